/// Links each session to the call that issued its credentials (attribution spec §9.5, in
/// priority order), and names the session's parent: another session, or an origin.
///
/// It never links on an access key alone (ASIA ids repeat): a key only counts together with
/// the predicted ARN and a time window.
struct SessionLinker {
    enum Parent {
        case session(String)
        case origin(Origin)
    }

    struct Link {
        var issuance: Issuance?
        var method: String?
        var confidence: Confidence
        var parent: Parent
        var reason: String?
        var candidates: [String] = []
    }

    enum Kind: String {
        case role, federatedUser = "federated_user", userSession = "user_session", rootSession = "root_session"
        case longTermKey = "long_term_key", iamUser = "iam_user", root, service, externalAccount = "external_account"
        case saml, webIdentity = "web_identity", identityCenter = "identity_center", unknown
    }

    /// The issuing calls and the sessions, looked up in their temporary tables.
    let issuances: IssuanceStore
    let sessions: SessionStore?

    /// `sessions` is nil for the pass that splits sessions by key, which needs only the calls.
    init(issuances: IssuanceStore, sessions: SessionStore? = nil) {
        self.issuances = issuances
        self.sessions = sessions
    }

    static func kind(of s: SessionAggregate) -> Kind {
        let key = s.key
        if key.hasPrefix("svc:") { return .service }
        if key.hasPrefix("acct:") { return .externalAccount }
        if key.hasPrefix("saml:") { return .saml }
        if key.hasPrefix("webid:") { return .webIdentity }
        if key.hasPrefix("idc:") { return .identityCenter }
        if key.hasPrefix("user:") { return .iamUser }
        if key.hasPrefix("root:") { return .root }
        if key.hasPrefix("unknown:") { return .unknown }
        switch s.identityType {
        case "AssumedRole": return .role
        case "FederatedUser": return .federatedUser
        case "IAMUser": return s.creation != nil ? .userSession : .longTermKey
        case "Root": return s.creation != nil ? .rootSession : .longTermKey
        default: return s.arn?.contains(":assumed-role/") == true ? .role : .unknown
        }
    }

    /// The calls predicting `arn` made between `from` and `to` (inclusive), in time order.
    func calls(predicting arn: String?, from: Int64, to: Int64) throws -> [Issuance] {
        guard let arn, from <= to else { return [] }
        return try issuances.calls(predicting: arn, from: from, to: to)
    }

    /// Credentials last at most 12 hours (36 for an IAM user's GetSessionToken); a call older
    /// than this cannot have issued a session first seen now.
    static let longestValidity: Int64 = 36 * 3600 + 300

    // MARK: linking

    func link(_ s: SessionAggregate) throws -> Link {
        switch Self.kind(of: s) {
        case .role:
            return try linkRoleSession(s)
        case .federatedUser:
            if let found = try linkByIssuance(s, apis: [.getFederationToken]) { return found }
            if let issuer = s.issuerARN {
                return Link(issuance: nil, method: "session_issuer", confidence: .strong,
                            parent: .origin(origin(forPrincipalARN: issuer, account: s.account)),
                            reason: "GetFederationToken not in the ingested logs; the federated user's sessionIssuer names the user")
            }
            return Link(issuance: nil, method: nil, confidence: .none, parent: .origin(.unknown()),
                        reason: "GetFederationToken for \(s.arn ?? s.key) is not in the ingested logs")
        case .userSession, .rootSession:
            // The session's own identity is the origin; the issuing call, when found, adds MFA and evidence.
            let own = origin(forPrincipalARN: s.arn ?? "", account: s.account)
            if s.assumedRoot == "true", let found = try linkByIssuance(s, apis: [.assumeRoot]) { return found }
            if let found = try linkByIssuance(s, apis: [.getSessionToken]) {
                return Link(issuance: found.issuance, method: found.method, confidence: found.confidence, parent: .origin(own), reason: nil)
            }
            if let login = try consoleLogin(for: s) {
                return Link(issuance: login, method: "L5 console login", confidence: .exact, parent: .origin(own),
                            reason: "console session opened by ConsoleLogin \(login.eventID)")
            }
            return Link(issuance: nil, method: "identity", confidence: .exact, parent: .origin(own),
                        reason: "temporary credentials of the principal itself; the issuing call is not in the ingested logs")
        case .longTermKey, .iamUser, .root:
            return Link(issuance: nil, method: "identity", confidence: .exact,
                        parent: .origin(origin(forPrincipalARN: s.arn ?? "", account: s.account ?? s.recipientAccount)), reason: nil)
        case .service:
            return Link(issuance: nil, method: "identity", confidence: .exact,
                        parent: .origin(Origin(kind: .awsService, id: s.invokedBy ?? String(s.key.dropFirst(4)), detail: nil, account: nil)), reason: nil)
        case .externalAccount:
            return Link(issuance: nil, method: "identity", confidence: .strong,
                        parent: .origin(Origin(kind: .externalAccount, id: s.account, detail: s.principalID, account: s.account)),
                        reason: "request made by another account; its own copy of the event is not in the ingested logs")
        case .saml, .webIdentity:
            // The federated caller of an AssumeRoleWith* call: name it exactly as the sessions it
            // opened are named (SAML provider ARN, Identity Center user, OIDC subject and provider).
            if let call = try issuances.firstCall(byCaller: s.key), case .origin(let origin) = try parent(of: call, for: s) {
                return Link(issuance: nil, method: "identity", confidence: .exact, parent: .origin(origin), reason: nil)
            }
            let kind: Origin.Kind = Self.kind(of: s) == .saml ? .samlUser : .webIdentityUser
            return Link(issuance: nil, method: "identity", confidence: .exact,
                        parent: .origin(Origin(kind: kind, id: s.userName, detail: s.identityProvider, account: nil)), reason: nil)
        case .identityCenter:
            return Link(issuance: nil, method: "identity", confidence: .exact,
                        parent: .origin(Origin(kind: .identityCenterUser, id: s.userName ?? s.onBehalfOfUserID, detail: s.onBehalfOfUserID, account: nil)),
                        reason: nil)
        case .unknown:
            return Link(issuance: nil, method: nil, confidence: .none, parent: .origin(.unknown()),
                        reason: "CloudTrail could not determine the identity (userIdentity type \(s.identityType ?? "missing"))")
        }
    }

    private func linkRoleSession(_ s: SessionAggregate) throws -> Link {
        if let found = try linkByIssuance(s, apis: [.assumeRole, .assumeRoleWithSAML, .assumeRoleWithWebIdentity]) { return found }
        if let found = try linkSwitchRole(s) { return found }
        if let found = try linkIdentityCenter(s) { return found }
        if let found = serviceHeuristic(s) { return found }
        let created = s.creation.map(Timestamp.format) ?? "an unknown time"
        return Link(issuance: nil, method: nil, confidence: .none, parent: .origin(.unknown()),
                    reason: "no AssumeRole for \(s.arn ?? s.key) created \(created) in the ingested logs: the issuing call is outside the ingested window, region or account")
    }

    /// L1–L3 against the calls that predict this session's ARN.
    func linkByIssuance(_ s: SessionAggregate, apis: Set<Issuance.API>) throws -> Link? {
        guard let arn = s.arn else { return nil }
        let window = s.creation.map { ($0 - 5, $0 + 5) } ?? (s.firstSeen - Self.longestValidity, s.firstSeen + 2)
        let candidates = try calls(predicting: arn, from: window.0, to: window.1).filter { apis.contains($0.api) }
        guard !candidates.isEmpty else { return nil }
        let keys = Set(s.accessKeys)

        // L1: the issued key, the ARN and the time window agree.
        let exact = candidates.filter { c in
            guard let key = c.issuedKey, keys.contains(key) else { return false }
            guard c.time - 2 <= s.firstSeen && s.firstSeen <= c.expiresAt + 300 else { return false }
            if let creation = s.creation { return abs(creation - c.time) <= 5 }
            return true
        }
        if let best = nearest(exact, to: s.creation ?? s.firstSeen) {
            return Link(issuance: best, method: "L1 key+arn+time", confidence: .exact, parent: try parent(of: best, for: s), reason: nil)
        }
        if let creation = s.creation {
            // L2: the ARN and creationDate ≈ the issuing call's eventTime.
            for tolerance: Int64 in [2, 5] {
                let close = candidates.filter { abs(creation - $0.time) <= tolerance }
                if close.count == 1, let only = close.first {
                    return Link(issuance: only, method: "L2 arn+creation", confidence: .strong, parent: try parent(of: only, for: s), reason: nil)
                }
                if close.count > 1 {
                    // L2a: several calls fit; prefer source identity, then time, then event id.
                    let ranked = close.sorted { a, b in
                        let sa = a.sourceIdentity != nil && a.sourceIdentity == s.sourceIdentity
                        let sb = b.sourceIdentity != nil && b.sourceIdentity == s.sourceIdentity
                        if sa != sb { return sa }
                        let da = abs(creation - a.time), db = abs(creation - b.time)
                        if da != db { return da < db }
                        let ia = a.sourceIP != nil && a.sourceIP == s.sourceIP
                        let ib = b.sourceIP != nil && b.sourceIP == s.sourceIP
                        if ia != ib { return ia }
                        return a.eventID < b.eventID
                    }
                    let pick = ranked[0]
                    let sameOrigin = ranked.allSatisfy { sameCaller($0, pick) }
                    return Link(issuance: pick, method: "L2a arn+creation (several candidates)",
                                confidence: sameOrigin ? .strong : .ambiguous, parent: try parent(of: pick, for: s),
                                reason: sameOrigin ? nil : "\(ranked.count) calls issued \(s.arn ?? "") in the same second and no access key tells them apart",
                                candidates: ranked.map(\.eventID))
                }
            }
            return nil
        }
        // L3: no creation date: the ARN within the credentials' validity window.
        let valid = candidates.filter { $0.time <= s.firstSeen && s.firstSeen <= $0.expiresAt }
        if let latest = valid.max(by: { ($0.time, $0.eventID) < ($1.time, $1.eventID) }) {
            return Link(issuance: latest, method: "L3 arn+validity window", confidence: .heuristic, parent: try parent(of: latest, for: s),
                        reason: "no creationDate on the session's events; linked to the latest call whose credentials were valid")
        }
        return nil
    }

    private func nearest<C: Collection>(_ list: C, to time: Int64) -> Issuance? where C.Element == Issuance {
        list.min { (abs($0.time - time), $0.eventID) < (abs($1.time - time), $1.eventID) }
    }

    private func sameCaller(_ a: Issuance, _ b: Issuance) -> Bool {
        a.callerKey == b.callerKey && a.callerUserName == b.callerUserName && a.callerType == b.callerType
    }

    /// L5: the IAM user's or root's console session follows its ConsoleLogin within a minute.
    private func consoleLogin(for s: SessionAggregate) throws -> Issuance? {
        guard let arn = s.arn, let creation = s.creation else { return nil }
        let logins = try calls(predicting: arn, from: creation - 60, to: creation + 5).filter { $0.api == .consoleLogin }
        return nearest(logins, to: creation)
    }

    /// L6: a console switch-role session; the parent is the console session it switched from.
    private func linkSwitchRole(_ s: SessionAggregate) throws -> Link? {
        // The SwitchRole record itself carries the new session's ARN but no creationDate.
        guard let arn = s.arn else { return nil }
        let creation = s.creation ?? s.firstSeen
        let switches = try calls(predicting: arn, from: creation - 5, to: creation + 5).filter { $0.api == .switchRole }
        guard let found = nearest(switches, to: creation) else { return nil }
        guard let from = found.switchFrom else {
            return Link(issuance: found, method: "L6 switch role", confidence: .heuristic, parent: .origin(.unknown()),
                        reason: "SwitchRole \(found.eventID) does not say which principal switched")
        }
        // The parent is the source principal's console session active when it switched.
        let source = try sessions?.latestSession(withARN: from, notAfter: found.time + 5) {
            [.userSession, .rootSession, .role].contains(Self.kind(of: $0))
        }
        if let source {
            return Link(issuance: found, method: "L6 switch role", confidence: .heuristic, parent: .session(source.key),
                        reason: "console switch role from \(from)")
        }
        return Link(issuance: found, method: "L6 switch role", confidence: .heuristic,
                    parent: .origin(origin(forPrincipalARN: from, account: nil)),
                    reason: "console switch role from \(from); its console session is not in the ingested logs")
    }

    /// L4: Identity Center: the portal's GetRoleCredentials for this account and permission set.
    private func linkIdentityCenter(_ s: SessionAggregate) throws -> Link? {
        guard let role = s.issuerARN, let permissionSet = Self.permissionSet(role), let creation = s.creation else { return nil }
        let matches = try issuances.portalCalls(account: s.account, permissionSet: permissionSet, from: creation - 10, to: creation + 10)
        if let found = nearest(matches, to: creation), let key = found.callerKey {
            let agrees = s.onBehalfOfUserID != nil && s.onBehalfOfUserID == key.dropFirst(4).description
            return Link(issuance: found, method: "L4 identity center", confidence: agrees ? .strong : .heuristic,
                        parent: .session(key), reason: "matched the portal's role credentials for \(permissionSet) in \(s.account ?? "?")")
        }
        let user = s.onBehalfOfUserID ?? s.sessionName
        return Link(issuance: nil, method: "identity center role", confidence: .heuristic,
                    parent: .origin(Origin(kind: .identityCenterUser, id: s.sessionName ?? s.onBehalfOfUserID, detail: s.onBehalfOfUserID ?? permissionSet, account: nil)),
                    reason: "Identity Center role session named after its user (\(user ?? "?")); the sign-in is not in the ingested logs")
    }

    /// EC2 instance profiles and Lambda execution roles resolve to the service even without
    /// the service's own AssumeRole.
    private func serviceHeuristic(_ s: SessionAggregate) -> Link? {
        let name = s.sessionName ?? ""
        if s.ec2RoleDelivery != nil || Self.isInstanceID(name) || (s.inScopeOfIssuedTo?.contains(":instance/") ?? false) {
            let instance = Self.isInstanceID(name) ? name : s.inScopeOfIssuedTo.map { ARN($0)?.resourceName ?? $0 }
            return Link(issuance: nil, method: "ec2 instance profile", confidence: .heuristic,
                        parent: .origin(Origin(kind: .awsService, id: "ec2.amazonaws.com", detail: instance, account: s.account)),
                        reason: "EC2 instance-profile session (\(s.ec2RoleDelivery != nil ? "ec2RoleDelivery" : "instance-id session name")); the service's AssumeRole is not in the ingested logs")
        }
        if let function = s.inScopeOfIssuedTo, function.contains(":function:") {
            return Link(issuance: nil, method: "lambda execution role", confidence: .heuristic,
                        parent: .origin(Origin(kind: .awsService, id: "lambda.amazonaws.com", detail: Self.functionName(function), account: s.account)),
                        reason: "Lambda execution-role session (inScopeOf names the function); the service's AssumeRole is not in the ingested logs")
        }
        if name.hasPrefix("awslambda_") {
            return Link(issuance: nil, method: "lambda poller", confidence: .heuristic,
                        parent: .origin(Origin(kind: .awsService, id: "lambda.amazonaws.com", detail: "event source poller", account: s.account)),
                        reason: "Lambda internal poller session (awslambda_… session name)")
        }
        return nil
    }

    // MARK: parents

    /// Who made the issuing call (spec §9.6), refined with what the child session shows.
    func parent(of issuance: Issuance, for child: SessionAggregate) throws -> Parent {
        let type = issuance.callerType
        switch type {
        case "SAMLUser":
            let identityCenter = (issuance.samlProviderARN?.contains("AWSSSO_") ?? false)
                || (issuance.roleARN?.contains("/aws-reserved/sso.amazonaws.com/") ?? false)
            if identityCenter {
                let issued = try issuance.predictedARN.flatMap { try sessions?.identityCenterUser(arn: $0, creation: issuance.time) }
                return .origin(Origin(kind: .identityCenterUser, id: issuance.samlSubject ?? issuance.callerUserName,
                                      detail: child.onBehalfOfUserID ?? issued ?? issuance.roleARN.flatMap { Self.permissionSet($0) },
                                      account: nil))
            }
            return .origin(Origin(kind: .samlUser, id: issuance.samlSubject ?? issuance.callerUserName,
                                  detail: issuance.samlProviderARN ?? issuance.callerProvider, account: nil))
        case "WebIdentityUser":
            return .origin(Origin(kind: .webIdentityUser, id: issuance.webSubject ?? issuance.callerUserName,
                                  detail: issuance.webProvider ?? issuance.callerProvider, account: nil))
        case "AWSService":
            return .origin(serviceOrigin(issuance, child))
        case "IdentityCenterUser":
            return .origin(Origin(kind: .identityCenterUser, id: issuance.callerUserName ?? issuance.callerKey.map { String($0.dropFirst(4)) },
                                  detail: nil, account: nil))
        default:
            if type == nil, issuance.invokedBy != nil { return .origin(serviceOrigin(issuance, child)) }
            guard let key = issuance.callerKey else {
                return .origin(.unknown("issuing call \(issuance.eventID) has no caller identity"))
            }
            return .session(key)
        }
    }

    private func serviceOrigin(_ issuance: Issuance, _ child: SessionAggregate) -> Origin {
        let service = issuance.invokedBy ?? issuance.sourceIP ?? "unknown service"
        var detail: String? = nil
        let name = child.sessionName ?? issuance.sessionName ?? ""
        if let scoped = child.inScopeOfIssuedTo {
            detail = scoped.contains(":function:") ? Self.functionName(scoped) : (ARN(scoped)?.resourceName ?? scoped)
        } else if Self.isInstanceID(name) {
            detail = name
        } else if name.hasPrefix("awslambda_") {
            detail = "event source poller"
        } else if !name.isEmpty {
            detail = name
        }
        return Origin(kind: .awsService, id: service, detail: detail, account: child.account)
    }

    func origin(forPrincipalARN arn: String, account: String?) -> Origin {
        if arn.hasSuffix(":root") {
            let acct = ARN(arn)?.account ?? account
            return Origin(kind: .root, id: arn, detail: nil, account: acct)
        }
        if arn.contains(":user/") {
            return Origin(kind: .iamUser, id: arn, detail: nil, account: ARN(arn)?.account ?? account)
        }
        if arn.isEmpty { return .unknown() }
        return Origin(kind: .unknown, id: arn, detail: nil, account: account)
    }

    // MARK: name patterns

    static func isInstanceID(_ name: String) -> Bool {
        guard name.hasPrefix("i-") else { return false }
        let hex = name.dropFirst(2)
        return (8...17).contains(hex.count) && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    static func functionName(_ arn: String) -> String {
        guard let range = arn.range(of: ":function:") else { return arn }
        return String(arn[range.upperBound...].split(separator: ":").first ?? "")
    }

    /// `…/AWSReservedSSO_<PermissionSet>_<16 hex>` → `<PermissionSet>`.
    static func permissionSet(_ roleARN: String) -> String? {
        guard let name = roleARN.split(separator: "/").last, name.hasPrefix("AWSReservedSSO_") else { return nil }
        var parts = name.dropFirst("AWSReservedSSO_".count).split(separator: "_")
        guard parts.count >= 2 else { return nil }
        parts.removeLast()
        return parts.joined(separator: "_")
    }
}
