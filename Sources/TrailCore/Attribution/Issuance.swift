/// A credential-issuing call: an STS AssumeRole* / GetSessionToken / GetFederationToken /
/// AssumeRoot, a console ConsoleLogin or SwitchRole, or an Identity Center GetRoleCredentials.
/// A class: the linker files the same call under several keys and must not copy its fields.
final class Issuance {
    enum API: String {
        case assumeRole = "AssumeRole", assumeRoleWithSAML = "AssumeRoleWithSAML"
        case assumeRoleWithWebIdentity = "AssumeRoleWithWebIdentity", getSessionToken = "GetSessionToken"
        case getFederationToken = "GetFederationToken", assumeRoot = "AssumeRoot"
        case consoleLogin = "ConsoleLogin", switchRole = "SwitchRole"
        case getRoleCredentials = "GetRoleCredentials", federate = "Federate"
    }

    var eventID: String
    var time: Int64
    var api: API
    var account: String?
    var region: String?
    var failed: Bool
    var callerType: String?
    var callerKey: String?
    var callerARN: String?
    var callerPrincipal: String?
    var callerAccount: String?
    var callerUserName: String?
    var callerProvider: String?
    var invokedBy: String?
    var sourceIP: String?
    var sharedEventID: String?
    var predictedARN: String?
    var roleARN: String?
    var sessionName: String?
    var issuedKey: String?
    var expiresAt: Int64
    var sourceIdentity: String?
    var mfa: Bool
    var samlSubject: String?
    var samlProviderARN: String?
    var webSubject: String?
    var webProvider: String?
    var switchFrom: String?
    var idcAccount: String?
    var idcRoleName: String?

    init(eventID: String, time: Int64, api: API, account: String?, region: String?, failed: Bool, callerType: String?, callerKey: String?, callerARN: String?, callerPrincipal: String?, callerAccount: String?, callerUserName: String?, callerProvider: String?, invokedBy: String?, sourceIP: String?, sharedEventID: String?, predictedARN: String?, roleARN: String?, sessionName: String?, issuedKey: String?, expiresAt: Int64, sourceIdentity: String?, mfa: Bool, samlSubject: String?, samlProviderARN: String?, webSubject: String?, webProvider: String?, switchFrom: String?, idcAccount: String?, idcRoleName: String?) {
        self.eventID = eventID
        self.time = time
        self.api = api
        self.account = account
        self.region = region
        self.failed = failed
        self.callerType = callerType
        self.callerKey = callerKey
        self.callerARN = callerARN
        self.callerPrincipal = callerPrincipal
        self.callerAccount = callerAccount
        self.callerUserName = callerUserName
        self.callerProvider = callerProvider
        self.invokedBy = invokedBy
        self.sourceIP = sourceIP
        self.sharedEventID = sharedEventID
        self.predictedARN = predictedARN
        self.roleARN = roleARN
        self.sessionName = sessionName
        self.issuedKey = issuedKey
        self.expiresAt = expiresAt
        self.sourceIdentity = sourceIdentity
        self.mfa = mfa
        self.samlSubject = samlSubject
        self.samlProviderARN = samlProviderARN
        self.webSubject = webSubject
        self.webProvider = webProvider
        self.switchFrom = switchFrom
        self.idcAccount = idcAccount
        self.idcRoleName = idcRoleName
    }

    var isIdentityCenterPortal: Bool { api == .getRoleCredentials || api == .federate }

    static let selectSQL: String = {
        func j(_ column: String, _ path: String) -> String {
            "CASE WHEN json_valid(\(column)) THEN json_extract(\(column), '\(path)') END"
        }
        return """
        SELECT event_id, event_ts, event_name, recipient_account_id, aws_region, error_code,
               identity_type, (SELECT session_key FROM sessions WHERE sessions.id = events.session_id), identity_arn, principal_id, identity_account_id, user_name, identity_provider,
               invoked_by, source_ip_address, shared_event_id, session_creation_ts,
               coalesce(\(j("response_elements", "$.assumedRoleUser.arn")), \(j("response_elements", "$.federatedUser.arn"))),
               \(j("request_parameters", "$.roleArn")),
               coalesce(\(j("request_parameters", "$.roleSessionName")), \(j("request_parameters", "$.name"))),
               \(j("response_elements", "$.credentials.accessKeyId")),
               \(j("response_elements", "$.credentials.expiration")),
               \(j("request_parameters", "$.durationSeconds")),
               coalesce(\(j("response_elements", "$.sourceIdentity")), \(j("request_parameters", "$.sourceIdentity"))),
               \(j("request_parameters", "$.serialNumber")),
               coalesce(\(j("response_elements", "$.subject")), user_name),
               \(j("request_parameters", "$.principalArn")),
               coalesce(\(j("response_elements", "$.subjectFromWebIdentityToken")), user_name),
               coalesce(\(j("response_elements", "$.provider")), identity_provider),
               \(j("additional_event_data", "$.MFAUsed")),
               \(j("additional_event_data", "$.SwitchFrom")),
               \(j("service_event_details", "$.account_id")),
               \(j("service_event_details", "$.role_name")),
               coalesce(\(j("response_elements", "$.ConsoleLogin")), \(j("response_elements", "$.SwitchRole"))),
               \(j("request_parameters", "$.targetPrincipal"))
        FROM \(Schema.eventsWithIdentitySQL) AS events
        WHERE (event_name IN ('AssumeRole','AssumeRoleWithSAML','AssumeRoleWithWebIdentity','GetSessionToken','GetFederationToken','AssumeRoot')
                AND event_source = 'sts.amazonaws.com')
           OR (event_name IN ('ConsoleLogin','SwitchRole') AND event_source = 'signin.amazonaws.com')
           OR (event_name IN ('GetRoleCredentials','Federate') AND event_source = 'sso.amazonaws.com')
        ORDER BY event_ts, event_id
        """
    }()

    /// Every issuing call stored, in time order, one at a time.
    static func forEach(_ db: Database, _ body: (Issuance) throws -> Void) throws {
        let statement = try db.prepare(selectSQL)
        while try statement.step() {
            guard let id = statement.text(0), let api = API(rawValue: statement.text(2) ?? "") else { continue }
            let time = statement.int64(1)
            let consoleOutcome = statement.text(33)
            var failed = !statement.isNull(5)
            if api == .consoleLogin || api == .switchRole { failed = failed || (consoleOutcome.map { $0.lowercased() != "success" } ?? false) }
            let duration = statement.isNull(22) ? nil : statement.int64(22)
            // STS accepts 15 minutes to 36 hours; a record claiming more is clamped, not trusted.
            let expiresAt = statement.text(21).flatMap(parseExpiration) ?? (time + (duration.map { min(max($0, 900), 129_600) } ?? 3600))
            let callerARN = statement.text(8)
            let issuance = Issuance(
                eventID: id, time: time, api: api, account: statement.text(3), region: statement.text(4), failed: failed,
                callerType: statement.text(6), callerKey: statement.text(7), callerARN: callerARN,
                callerPrincipal: statement.text(9), callerAccount: statement.text(10), callerUserName: statement.text(11),
                callerProvider: statement.text(12), invokedBy: statement.text(13), sourceIP: statement.text(14),
                sharedEventID: statement.text(15),
                predictedARN: statement.text(17), roleARN: statement.text(18), sessionName: statement.text(19),
                issuedKey: statement.text(20).flatMap { SessionKey.isAccessKey($0) ? $0 : nil },
                expiresAt: expiresAt, sourceIdentity: statement.text(23),
                mfa: false,
                samlSubject: statement.text(25), samlProviderARN: statement.text(26),
                webSubject: statement.text(27), webProvider: statement.text(28),
                switchFrom: statement.text(30), idcAccount: statement.text(31), idcRoleName: statement.text(32))
            let serial = statement.text(24)
            let mfaUsed = statement.text(29)?.lowercased()
            issuance.mfa = (serial.map { !$0.isEmpty } ?? false) || mfaUsed == "yes"
            if issuance.predictedARN == nil {
                issuance.predictedARN = predictARN(issuance, targetPrincipal: statement.text(34))
            }
            try body(issuance)
        }
    }

    /// The ARN later activity will carry, when the response does not say it.
    static func predictARN(_ i: Issuance, targetPrincipal: String?) -> String? {
        switch i.api {
        case .assumeRole, .assumeRoleWithSAML, .assumeRoleWithWebIdentity:
            // Service-issued sessions carry no assumedRoleUser: build it from the request.
            // assumed-role ARNs drop the role's path, so keep only its last segment.
            guard let role = i.roleARN.flatMap(ARN.init), let name = i.sessionName else { return nil }
            return "arn:\(role.partition):sts::\(role.account):assumed-role/\(role.resourceName)/\(name)"
        case .getFederationToken:
            guard let name = i.sessionName, let account = i.callerAccount ?? i.account else { return nil }
            let partition = i.callerARN.flatMap(ARN.init)?.partition ?? "aws"
            return "arn:\(partition):sts::\(account):federated-user/\(name)"
        case .getSessionToken, .consoleLogin, .switchRole:
            return i.callerARN
        case .assumeRoot:
            guard let target = targetPrincipal else { return nil }
            let account = target.hasPrefix("arn:") ? (ARN(target)?.account ?? target) : target
            return "arn:aws:iam::\(account):root"
        case .getRoleCredentials, .federate:
            return nil
        }
    }

    /// STS writes expirations as "Oct 2, 2019, 11:12:29 PM" or "Nov 10, 2019 5:17:20 PM" (UTC),
    /// and sometimes as ISO-8601.
    static func parseExpiration(_ text: String) -> Int64? {
        if let iso = Timestamp.parse(text) { return iso }
        let months = ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12]
        let parts = text.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        guard parts.count >= 4, let month = months[String(parts[0].prefix(3)).lowercased()],
              let day = Int(parts[1]), let year = Int(parts[2]) else { return nil }
        let clock = parts[3].split(separator: ":").compactMap { Int($0) }
        guard clock.count >= 2 else { return nil }
        var hour = clock[0]
        let minute = clock[1], second = clock.count > 2 ? clock[2] : 0
        // Whatever the record holds, only a real calendar time is used (and no arithmetic overflows).
        guard (1...9999).contains(year), day >= 1, day <= Timestamp.daysIn(month: month, year: year),
              (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        let meridiem = parts.count > 4 ? parts[4].uppercased() : ""
        if meridiem == "PM" || meridiem == "AM" {
            guard (1...12).contains(hour) else { return nil }
            if meridiem == "PM" && hour < 12 { hour += 12 }
            if meridiem == "AM" && hour == 12 { hour = 0 }
        }
        return Timestamp.epoch(year: year, month: month, day: day) + Int64(hour * 3600 + minute * 60 + second)
    }
}

/// The parts of an ARN trail needs: partition, account and the resource's last path segment.
struct ARN {
    var partition: String
    var service: String
    var account: String
    var resource: String

    init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        partition = String(parts[1])
        service = String(parts[2])
        account = String(parts[4])
        resource = String(parts[5])
    }

    /// `role/app/WebAppRole` → `WebAppRole`; `assumed-role/R/s` → `s`.
    var resourceName: String { resource.split(separator: "/").last.map(String.init) ?? resource }
}
