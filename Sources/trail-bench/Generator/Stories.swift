/// The simulation: "stories" of credentials being issued and used, each emitting its records
/// with their ground truth. A story starts at the generator's clock and lasts at most ~75
/// minutes, which lets Delivery write files behind the clock with bounded memory.
///
/// Shapes (attribution spec §2, §3, §5, §6, §12):
/// - issuance eventTime == usage sessionContext.attributes.creationDate, to the second;
/// - usage accessKeyId == issued ASIA key, except Identity Center (a different key, §3.8);
/// - assumed-role ARNs without the role path, sessionIssuer.arn with it;
/// - cross-account AssumeRole logged twice: the caller's copy and the role owner's copy
///   (userIdentity AWSAccount), sharing sharedEventID and requestID;
/// - service-issued sessions (EC2, Lambda) have no assumedRoleUser in the response.
struct StoryEngine {
    enum Story: CaseIterable {
        case userRole, saml, identityCenter, github, ec2, lambda, serviceEvents, longTermKey, batch
    }

    /// Story weights chosen so that, with the mean story sizes below, events split roughly as
    /// EC2 28%, Lambda 14%, IAM users + roles 18%, Identity Center 12%, SAML 6%, GitHub 6%,
    /// AWS service 6%, long-term keys 5%, bulk data 5%.
    static let weights: [Double] = [0.0051, 0.0023, 0.0033, 0.0035, 0.0061, 0.0064, 0.0171, 0.0083, 0.000_015_4]

    let world: World
    var rng: SplitMix64
    let sink: EventSink
    private var sessionKeys = Set<String>()
    private let tables: [Workload: Catalog.Table]
    /// Probability that an issuing call is delivered in a later file than the first use of its
    /// credentials (CloudTrail does not order delivery; spec §9.10).
    static let lateIssuance = 0.15
    static let errorRate = 0.03

    init(world: World, rng: SplitMix64, sink: EventSink) {
        self.world = world
        self.rng = rng
        self.sink = sink
        var t: [Workload: Catalog.Table] = [:]
        for w in [Workload.human, .ec2, .lambda, .gha, .batch, .poller] { t[w] = Catalog.Table(w) }
        tables = t
    }

    // MARK: driving

    /// Runs stories until the budget is spent; the clock advances in proportion to the events
    /// produced, so the corpus spans `days` whatever its size.
    mutating func run(start: Int64, days: Int, delivery: Delivery) {
        let span = Double(days) * 86_400
        var cursor = Double(start)
        var idle = 0
        while sink.remaining > 0 {
            let before = sink.emitted
            let t0 = Int64(cursor) + Int64(rng.range(0, 20))
            var story = Story.allCases[rng.weighted(Self.weights)]
            // Near the end only single-record stories fit reliably.
            if sink.remaining < 4 || idle > 3 { story = .serviceEvents }
            switch story {
            case .userRole: userRole(at: t0)
            case .saml: saml(at: t0)
            case .identityCenter: identityCenter(at: t0)
            case .github: github(at: t0)
            case .ec2: ec2(at: t0, batch: false)
            case .lambda: lambda(at: t0)
            case .serviceEvents: serviceEvents(at: t0)
            case .longTermKey: longTermKey(at: t0)
            case .batch: ec2(at: t0, batch: true)
            }
            let produced = sink.emitted - before
            idle = produced == 0 ? idle + 1 : 0
            cursor += Double(produced) / Double(sink.budget) * span
            // Later stories start at or after the clock, so slots before it are complete.
            delivery.flush(before: (Int64(cursor) - 60) / Delivery.slotSeconds)
        }
    }

    // MARK: small helpers

    private mutating func id() -> String { Identifiers.uuid(&rng) }

    private mutating func humanIP() -> String {
        let ip = rng.chance(0.5) ? "198.51.100.\(rng.range(1, 254))" : "203.0.113.\(rng.range(1, 254))"
        sink.samples.offer(.sourceIP, ip)
        return ip
    }

    private mutating func humanAgent() -> String {
        rng.pick(["aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe prompt/off command/\(rng.pick(["s3.ls", "ec2.describe-instances", "sts.get-caller-identity", "iam.list-roles"]))",
                  "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36",
                  "aws-sdk-go-v2/1.32.2 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/sts#1.32.2 m/E",
                  "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.72.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2"])
    }

    private mutating func region(of account: Int) -> String {
        let a = world.accounts[account]
        return a.regions[rng.weighted(a.regionWeights)]
    }

    /// Makes `principal@creation` unique so two different sessions never share a session key
    /// (trail keys sessions by it; a collision would be unattributable by construction).
    private mutating func uniqueCreation(_ principal: String, _ t: Int64) -> Int64 {
        var c = t
        while sessionKeys.contains("\(principal)@\(c)") { c += 1 }
        sessionKeys.insert("\(principal)@\(c)")
        return c
    }

    private mutating func lateDelay() -> Int64 {
        rng.chance(Self.lateIssuance) ? Int64(rng.range(300, 900)) : 0
    }

    private func credentials(_ key: String, expires: Int64, hidden: Bool, w: inout JSONWriter) {
        w.key("credentials")
        w.beginObject()
        w.field("accessKeyId", key)
        w.field("sessionToken", hidden ? "HIDDEN_DUE_TO_SECURITY_REASONS" : "")
        w.field("expiration", Clock.expiration(expires))
        w.endObject()
    }

    private func assumedRoleUser(_ role: World.Role, _ name: String, w: inout JSONWriter) {
        w.key("assumedRoleUser")
        w.beginObject()
        w.field("assumedRoleId", "\(role.id):\(name)")
        w.field("arn", role.sessionARN(name))
        w.endObject()
    }

    private func roleResource(_ role: World.Role) -> Resource {
        Resource(arn: role.arn, account: role.accountID, type: "AWS::IAM::Role")
    }

    private func accessDeniedMessage(_ actor: String, _ action: String) -> String {
        "User: \(actor) is not authorized to perform: \(action) because no identity-based policy allows the \(action) action"
    }

    // MARK: issuance

    /// `sts:AssumeRole` by a user or a role session, same account or cross-account.
    /// Returns the new session, or nil when the budget ran out or the call failed.
    private mutating func assumeRole(caller: Identity, callerPrincipal: String, callerARN: String, callerAccount: Int,
                                     callerTruth: Truth, role: World.Role, name: String, at t: Int64,
                                     sourceIdentity: String?, mfa: Bool, ip: String, agent: String, origin: Truth,
                                     failed: Bool = false) -> RoleSession? {
        let creation = failed ? t : uniqueCreation("\(role.id):\(name)", t)
        let key = Identifiers.temporaryKey(&rng)
        let expires = creation + 3600
        let cross = role.account != callerAccount
        let stsRegion = rng.chance(0.85) ? "us-east-1" : region(of: callerAccount)
        let request = jsonObject { w in
            w.field("roleArn", role.arn)
            w.field("roleSessionName", name)
            w.field("durationSeconds", 3600)
            if mfa { w.field("serialNumber", callerARN.replacingOccurrences(of: ":user/", with: ":mfa/")) }
            w.optionalField("sourceIdentity", sourceIdentity)
        }
        var event = Event(version: "1.08", time: creation, source: "sts.amazonaws.com", name: "AssumeRole", region: stsRegion,
                          sourceIP: ip, userAgent: agent, request: request, requestID: id(), eventID: id(), readOnly: true,
                          resources: [roleResource(role)], recipient: world.accounts[callerAccount].id)
        if failed {
            event.errorCode = "AccessDenied"
            event.errorMessage = accessDeniedMessage(callerARN, "sts:AssumeRole on resource: \(role.arn)")
            if rng.chance(0.5) { event.request = nil }
        } else {
            event.response = jsonObject { w in
                credentials(key, expires: expires, hidden: true, w: &w)
                assumedRoleUser(role, name, w: &w)
                w.optionalField("sourceIdentity", sourceIdentity)
            }
        }
        if cross && !failed {
            // Both copies or neither: the pair shares sharedEventID and requestID (spec §5).
            guard sink.remaining >= 2 else { return nil }
            event.shared = id()
            var owner = event
            owner.eventID = id()
            owner.recipient = role.accountID
            sink.emit(event, caller, account: callerAccount, truth: callerTruth, case: "issuance")
            sink.emit(owner, .account(principalID: callerPrincipal, accountID: world.accounts[callerAccount].id),
                      account: role.account, truth: callerTruth, case: "owner_copy", delay: lateDelay())
        } else {
            if !failed { event.recipient = role.accountID }
            guard sink.emit(event, caller, account: failed ? callerAccount : role.account, truth: callerTruth,
                            case: failed ? "failed_issuance" : "issuance", delay: failed ? 0 : lateDelay()) else { return nil }
        }
        if failed { return nil }
        var session = RoleSession(role: role, name: name, creation: creation, expires: expires, usageKey: key,
                                  sourceIdentity: sourceIdentity, mfa: mfa, truth: origin)
        session.truth = origin.within(session)
        sink.samples.offer(.session, "\(session.principalID)@\(Clock.iso(creation))")
        sink.samples.offer(.roleName, role.name)
        sink.samples.offer(.roleARN, role.arn)
        return session
    }

    /// `AssumeRole` by an AWS service for an EC2 instance profile or a Lambda function: the
    /// caller is `AWSService`, and the response carries credentials but no assumedRoleUser.
    private mutating func serviceAssume(service: String, role: World.Role, name: String, at t: Int64, region: String) -> RoleSession? {
        let creation = uniqueCreation("\(role.id):\(name)", t)
        let key = Identifiers.temporaryKey(&rng)
        let expires = creation + (service == "ec2.amazonaws.com" ? 6 * 3600 : 12 * 3600)
        let event = Event(version: "1.08", time: creation, source: "sts.amazonaws.com", name: "AssumeRole", region: region,
                          sourceIP: service, userAgent: service,
                          request: jsonObject { w in w.field("roleArn", role.arn); w.field("roleSessionName", name) },
                          response: jsonObject { w in credentials(key, expires: expires, hidden: true, w: &w) },
                          requestID: id(), eventID: id(), readOnly: true, resources: [roleResource(role)], recipient: role.accountID)
        guard sink.emit(event, .service(service), account: role.account, truth: .service(service), case: "service_assume",
                        delay: lateDelay()) else { return nil }
        sink.samples.offer(.roleName, role.name)
        sink.samples.offer(.session, "\(role.id):\(name)@\(Clock.iso(creation))")
        return RoleSession(role: role, name: name, creation: creation, expires: expires, usageKey: key, truth: .service(service))
    }

    // MARK: usage

    /// `count` calls made with a session's credentials, spread over at most `span` seconds and
    /// never after the credentials expire. Returns the time of the last call.
    @discardableResult
    private mutating func use(_ s: RoleSession, count: Int, span: Int64, workload: Workload, regions: [String],
                              ip: String, agent: String, scoped: Double) -> Int64 {
        var t = s.creation + Int64(rng.range(1, 15))
        let step = max(1, Int(span) / max(1, count))
        guard let table = tables[workload] else { return t }
        for _ in 0..<count {
            if t >= s.expires - 5 { break }
            let region = regions.count == 1 ? regions[0] : rng.pick(regions)
            let api = table.apis[rng.weighted(table.weights)]
            let call = Catalog.call(api, world: world, account: s.role.account, region: region, big: rng.chance(0.05), rng: &rng)
            var event = Event(version: "1.11", time: t, source: call.source, name: call.name, region: region, sourceIP: ip,
                              userAgent: call.userAgent ?? agent, request: call.request, response: call.response,
                              requestID: id(), eventID: id(), readOnly: call.readOnly, resources: call.resources,
                              management: !call.data, recipient: s.role.accountID, data: call.data)
            if call.source == "logs.amazonaws.com" && workload == .lambda { event.userAgent = "awslambda-worker" }
            if let bucket = call.resources.last, bucket.type == "AWS::S3::Bucket" { sink.samples.offer(.resource, "\(bucket.arn)/*") }
            if rng.chance(Self.errorRate) {
                event.errorCode = call.source == "ec2.amazonaws.com" ? "Client.UnauthorizedOperation" : "AccessDenied"
                event.errorMessage = accessDeniedMessage(s.arn, "\(Catalog.iamPrefix(call.source)):\(call.name)")
                event.response = nil
                if rng.chance(0.5) { event.request = nil }
            }
            guard sink.emit(event, .session(s, scoped: rng.chance(scoped)), account: s.role.account, truth: s.truth, case: "usage") else { break }
            // Bursts (bulk jobs) make several calls per second; CloudTrail times are whole seconds.
            if count > Int(span) {
                if rng.chance(Double(span) / Double(count)) { t += 1 }
            } else {
                t += Int64(rng.range(0, 2 * step))
            }
        }
        return t
    }

    /// Calls signed with an IAM user's long-term AKIA key.
    private mutating func useLongTermKey(_ u: World.User, count: Int, at start: Int64, ip: String, agent: String) -> Int64 {
        var t = start
        guard let table = tables[.human] else { return t }
        for _ in 0..<count {
            let region = region(of: u.account)
            let api = table.apis[rng.weighted(table.weights)]
            let call = Catalog.call(api, world: world, account: u.account, region: region, big: rng.chance(0.05), rng: &rng)
            var event = Event(version: "1.10", time: t, source: call.source, name: call.name, region: region, sourceIP: ip,
                              userAgent: agent, request: call.request, response: call.response, requestID: id(), eventID: id(),
                              readOnly: call.readOnly, resources: call.resources, management: !call.data, recipient: u.accountID,
                              data: call.data)
            if rng.chance(Self.errorRate) {
                event.errorCode = "AccessDenied"
                event.errorMessage = accessDeniedMessage(u.arn, "\(Catalog.iamPrefix(call.source)):\(call.name)")
                event.response = nil
            }
            guard sink.emit(event, .user(u), account: u.account, truth: .iamUser(u), case: "long_term_key") else { break }
            t += Int64(rng.range(1, 90))
        }
        sink.samples.offer(.userARN, u.arn)
        sink.samples.offer(.userName, u.name)
        sink.samples.offer(.accessKey, u.key)
        return t
    }

    /// Role chaining: the session assumes another role (same or another account). The source
    /// identity, once set, persists down the chain (spec §4).
    private mutating func chain(from parent: RoleSession, at t: Int64, ip: String, agent: String, sessionName: String? = nil) -> RoleSession? {
        let target = rng.chance(0.5) ? parent.role.account : rng.pick(Array(world.accounts.indices.filter { $0 != parent.role.account }))
        let role = world.roles[rng.pick(world.humanRoles[target])]
        let name = sessionName ?? (rng.chance(0.5) ? "botocore-session-\(t)" : "\(parent.name.split(separator: "@").first.map(String.init) ?? "chain")-\(role.name.lowercased())")
        let truth = parent.truth.originOnly
        return assumeRole(caller: .session(parent, scoped: false), callerPrincipal: parent.principalID, callerARN: parent.arn,
                          callerAccount: parent.role.account, callerTruth: parent.truth, role: role, name: String(name.prefix(64)),
                          at: t, sourceIdentity: parent.sourceIdentity, mfa: false, ip: ip, agent: agent, origin: truth)
    }

    // MARK: stories

    /// An IAM user with a long-term key: a few direct calls, then AssumeRole (often
    /// cross-account), usage, and sometimes a second hop (user → RoleA → RoleB).
    private mutating func userRole(at start: Int64) {
        let user = rng.pick(world.users)
        let ip = humanIP(), agent = humanAgent()
        var t = useLongTermKey(user, count: rng.range(0, 3), at: start, ip: ip, agent: agent)
        let target = rng.chance(0.45) ? rng.pick(Array(world.accounts.indices.filter { $0 != user.account })) : user.account
        let role = world.roles[rng.pick(world.humanRoles[target])]
        let origin = Truth.iamUser(user)
        if rng.chance(0.03) {
            _ = assumeRole(caller: .user(user), callerPrincipal: user.principalID, callerARN: user.arn, callerAccount: user.account,
                           callerTruth: origin, role: role, name: user.name, at: t, sourceIdentity: nil, mfa: false,
                           ip: ip, agent: agent, origin: origin, failed: true)
            t += Int64(rng.range(5, 60))
        }
        let name = rng.pick([user.name, "\(user.name)-\(role.name.lowercased())", "botocore-session-\(t)", "terraform-\(t)"])
        guard let session = assumeRole(caller: .user(user), callerPrincipal: user.principalID, callerARN: user.arn,
                                       callerAccount: user.account, callerTruth: origin, role: role, name: name, at: t,
                                       sourceIdentity: rng.chance(0.25) ? user.name : nil, mfa: rng.chance(0.3),
                                       ip: ip, agent: agent, origin: origin) else { return }
        let regions = world.accounts[role.account].regions
        let last = use(session, count: rng.range(2, 45), span: 2400, workload: .human, regions: regions, ip: ip, agent: agent, scoped: 0)
        if rng.chance(0.35), let child = chain(from: session, at: min(last, session.expires - 600) + 2, ip: ip, agent: agent) {
            use(child, count: rng.range(2, 35), span: 1800, workload: .human, regions: world.accounts[child.role.account].regions,
                ip: ip, agent: agent, scoped: 0)
        }
    }

    /// An Okta (SAML) user: AssumeRoleWithSAML by SAMLUser, usage, sometimes a chained hop.
    private mutating func saml(at t: Int64) {
        let account = rng.pick([World.devAccount, World.prodAccount])
        guard let provider = world.samlProviders[account], !world.samlRoles[account].isEmpty else { return }
        let subject = rng.pick(world.samlSubjects)
        let role = world.roles[rng.pick(world.samlRoles[account])]
        let origin = Truth(type: "saml_user", id: subject, detail: provider.arn)
        let ip = humanIP(), agent = humanAgent()
        let creation = uniqueCreation("\(role.id):\(subject)", t)
        let key = Identifiers.temporaryKey(&rng)
        let sourceIdentity: String? = rng.chance(0.4) ? String(subject.split(separator: "@").first ?? "") : nil
        let event = Event(version: "1.08", time: creation, source: "sts.amazonaws.com", name: "AssumeRoleWithSAML", region: "us-east-1",
                          sourceIP: ip, userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)",
                          request: jsonObject { w in
                              w.field("sAMLAssertionID", "id\(Identifiers.token(20, &rng))")
                              w.field("roleSessionName", subject)
                              w.field("roleArn", role.arn)
                              w.field("principalArn", provider.arn)
                              w.field("durationSeconds", 3600)
                              w.optionalField("sourceIdentity", sourceIdentity)
                          },
                          response: jsonObject { w in
                              credentials(key, expires: creation + 3600, hidden: true, w: &w)
                              assumedRoleUser(role, subject, w: &w)
                              w.field("subject", subject)
                              w.field("subjectType", "persistent")
                              w.field("issuer", provider.issuer)
                              w.field("audience", "https://signin.aws.amazon.com/saml")
                              w.field("nameQualifier", provider.nameQualifier)
                              w.optionalField("sourceIdentity", sourceIdentity)
                          },
                          requestID: id(), eventID: id(), readOnly: true,
                          resources: [roleResource(role), Resource(arn: provider.arn, account: role.accountID, type: "AWS::IAM::SAMLProvider")],
                          recipient: role.accountID)
        guard sink.emit(event, .saml(principalID: "\(provider.nameQualifier):\(subject)", userName: subject, provider: provider.nameQualifier),
                        account: account, truth: origin, case: "federated_issuance", delay: lateDelay()) else { return }
        var session = RoleSession(role: role, name: subject, creation: creation, expires: creation + 3600, usageKey: key,
                                  sourceIdentity: sourceIdentity, truth: origin)
        session.truth = origin.within(session)
        sink.samples.offer(.origin, subject)
        sink.samples.offer(.session, "\(session.principalID)@\(Clock.iso(creation))")
        let last = use(session, count: rng.range(2, 40), span: 2400, workload: .human, regions: world.accounts[account].regions,
                       ip: ip, agent: agent, scoped: 0)
        if rng.chance(0.25), let child = chain(from: session, at: min(last, session.expires - 600) + 2, ip: ip, agent: agent) {
            use(child, count: rng.range(2, 30), span: 1500, workload: .human, regions: world.accounts[child.role.account].regions,
                ip: ip, agent: agent, scoped: 0)
        }
    }

    /// IAM Identity Center: the portal's GetRoleCredentials in the home account, the member
    /// account's AssumeRoleWithSAML (role under /aws-reserved/sso.amazonaws.com/), then usage
    /// signed with a *different* ASIA key and carrying onBehalfOf (spec §3.8, E5).
    private mutating func identityCenter(at t: Int64) {
        let user = rng.pick(world.idcUsers)
        let account = rng.below(world.accounts.count)
        guard let idc = world.identityCenter[account], !idc.roles.isEmpty else { return }
        let ps = rng.pick(idc.roles)
        let role = world.roles[ps.role]
        let origin = Truth(type: "identity_center_user", id: user.email, detail: user.userID)
        let ip = humanIP(), agent = humanAgent()
        let creation = uniqueCreation("\(role.id):\(user.email)", t)
        if rng.chance(0.7) {
            let portal = Event(version: "1.11", time: creation, source: "sso.amazonaws.com", name: "GetRoleCredentials",
                               region: World.identityCenterRegion, sourceIP: ip, userAgent: agent, requestID: id(), eventID: id(),
                               readOnly: true, eventType: "AwsServiceEvent", recipient: world.accounts[World.identityAccount].id)
            var withDetails = portal
            withDetails.serviceEventDetails = jsonObject { w in w.field("role_name", ps.permissionSet); w.field("account_id", role.accountID) }
            // The portal record names the user only by id (no userName since July 2025, spec §2.1);
            // the README's contract is "user name, else user id", so the id is the expected origin.
            let byID = Truth(type: "identity_center_user", id: user.userID, detail: user.userID)
            guard sink.emit(withDetails, .identityCenter(accountID: world.accounts[World.identityAccount].id, userID: user.userID,
                                                         storeARN: world.identityStoreARN, credentialID: Identifiers.token(40, &rng)),
                            account: World.identityAccount, truth: byID, case: "idc_portal") else { return }
        }
        let issuedKey = Identifiers.temporaryKey(&rng)
        let usageKey = Identifiers.temporaryKey(&rng)
        let expires = creation + 8 * 3600
        let event = Event(version: "1.11", time: creation, source: "sts.amazonaws.com", name: "AssumeRoleWithSAML",
                          region: World.identityCenterRegion, sourceIP: "3.248.\(rng.range(0, 255)).\(rng.range(1, 254))",
                          userAgent: "aws-sdk-java/2.x md/internal",
                          request: jsonObject { w in
                              w.field("sAMLAssertionID", "_\(Identifiers.token(24, &rng))")
                              w.field("roleSessionName", user.email)
                              w.field("roleArn", role.arn)
                              w.field("principalArn", idc.providerARN)
                              w.field("durationSeconds", 28800)
                          },
                          response: jsonObject { w in
                              credentials(issuedKey, expires: expires, hidden: false, w: &w)
                              assumedRoleUser(role, user.email, w: &w)
                              w.field("subject", user.email)
                              w.field("subjectType", "persistent")
                              w.field("issuer", "https://portal.sso.\(World.identityCenterRegion).amazonaws.com/saml/assertion/\(Identifiers.token(24, &rng))")
                              w.field("audience", "https://signin.aws.amazon.com/saml")
                              w.field("nameQualifier", idc.nameQualifier)
                          },
                          requestID: id(), eventID: id(), readOnly: true,
                          resources: [roleResource(role), Resource(arn: idc.providerARN, account: role.accountID, type: "AWS::IAM::SAMLProvider")],
                          recipient: role.accountID)
        guard sink.emit(event, .saml(principalID: "\(idc.nameQualifier):\(user.email)", userName: user.email, provider: idc.nameQualifier),
                        account: account, truth: origin, case: "federated_issuance", delay: lateDelay()) else { return }
        var session = RoleSession(role: role, name: user.email, creation: creation, expires: expires, usageKey: usageKey, truth: origin)
        session.onBehalfOf = (user.userID, world.identityStoreARN)
        session.truth = origin.within(session)
        sink.samples.offer(.origin, user.email)
        sink.samples.offer(.roleName, role.name)
        sink.samples.offer(.session, "\(session.principalID)@\(Clock.iso(creation))")
        let last = use(session, count: rng.range(2, 60), span: 3000, workload: .human, regions: world.accounts[account].regions,
                       ip: ip, agent: agent, scoped: 0)
        if rng.chance(0.15), let child = chain(from: session, at: last + 2, ip: ip, agent: agent, sessionName: "botocore-session-\(last)") {
            use(child, count: rng.range(2, 30), span: 1500, workload: .human, regions: world.accounts[child.role.account].regions,
                ip: ip, agent: agent, scoped: 0)
        }
    }

    /// GitHub Actions OIDC: AssumeRoleWithWebIdentity by WebIdentityUser, then CI calls whose
    /// sessionContext carries webIdFederationData (spec §3.3, E6).
    private mutating func github(at t: Int64) {
        let candidates = world.accounts.indices.filter { !world.ghaRoles[$0].isEmpty }
        guard !candidates.isEmpty else { return }
        let account = rng.pick(Array(candidates))
        guard let provider = world.oidcProviders[account] else { return }
        let role = world.roles[rng.pick(world.ghaRoles[account])]
        let subject = rng.pick(world.githubSubjects)
        let name = rng.chance(0.7) ? "GitHubActions" : "gha-run-\(rng.range(1_000_000_000, 9_999_999_999))"
        let origin = Truth(type: "web_identity_user", id: subject, detail: provider)
        let creation = uniqueCreation("\(role.id):\(name)", t)
        let key = Identifiers.temporaryKey(&rng)
        let ip = "20.\(rng.range(20, 60)).\(rng.range(0, 255)).\(rng.range(1, 254))"
        let agent = "aws-sdk-nodejs/3 configure-aws-credentials-for-github-actions"
        let event = Event(version: "1.08", time: creation, source: "sts.amazonaws.com", name: "AssumeRoleWithWebIdentity",
                          region: "us-east-1", sourceIP: ip, userAgent: agent,
                          request: jsonObject { w in
                              w.field("roleArn", role.arn); w.field("roleSessionName", name); w.field("durationSeconds", 3600)
                          },
                          response: jsonObject { w in
                              credentials(key, expires: creation + 3600, hidden: false, w: &w)
                              w.field("subjectFromWebIdentityToken", subject)
                              assumedRoleUser(role, name, w: &w)
                              w.field("provider", provider)
                              w.field("audience", "sts.amazonaws.com")
                          },
                          additional: jsonObject { w in w.field("identityProviderConnectionVerificationMethod", "IAMTrustStore") },
                          requestID: id(), eventID: id(), readOnly: true, resources: [roleResource(role)], recipient: role.accountID)
        guard sink.emit(event, .webIdentity(principalID: "\(provider):sts.amazonaws.com:\(subject)", userName: subject, provider: provider),
                        account: account, truth: origin, case: "federated_issuance", delay: lateDelay()) else { return }
        var session = RoleSession(role: role, name: name, creation: creation, expires: creation + 3600, usageKey: key, truth: origin)
        session.webProvider = provider
        session.truth = origin.within(session)
        sink.samples.offer(.origin, subject)
        use(session, count: rng.range(3, 30), span: 900, workload: .gha, regions: ["us-east-1"], ip: ip,
            agent: "aws-cli/2.17.0 md/command#\(rng.pick(["ecr.get-login-password", "s3.cp", "cloudformation.deploy"]))", scoped: 0)
    }

    /// An EC2 instance profile: the service's AssumeRole, usage with ec2RoleDelivery "2.0"
    /// (and inScopeOf on most calls), then the hourly credential refresh: same session name,
    /// new creationDate and key. `batch` is a burst of thousands of S3 data events.
    private mutating func ec2(at t: Int64, batch: Bool) {
        let pool = batch ? world.instances.filter { $0.account == World.dataAccount } : world.instances
        guard !pool.isEmpty else { return }
        let instance = rng.pick(pool)
        let role = world.roles[instance.role]
        let ip = "10.\(rng.range(0, 255)).\(rng.range(0, 255)).\(rng.range(1, 254))"
        let agent = rng.pick(["aws-sdk-java/2.25.10 Linux/6.1.109-118.189.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.4+7-LTS Java/21.0.4 vendor/Amazon.com_Inc. exec-env/AWS_ECS_EC2",
                              "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.1.109 md/arch#x86_64 lang/python#3.11.10 md/pyimpl#CPython cfg/retry-mode#legacy"])
        let origin = Truth.service("ec2.amazonaws.com", instance.id)
        var start = t
        for refresh in 0..<(batch ? 1 : 2) {
            guard var session = serviceAssume(service: "ec2.amazonaws.com", role: role, name: instance.id, at: start, region: instance.region) else { return }
            session.ec2RoleDelivery = true
            session.scope = .ec2Instance(arn: world.instanceARN(instance))
            session.truth = origin.within(session)
            sink.samples.offer(.origin, instance.id)
            let count = batch ? rng.range(1_500, 5_000) : (refresh == 0 ? rng.range(5, 60) : rng.range(2, 20))
            use(session, count: count, span: batch ? 240 : (refresh == 0 ? 3300 : 600), workload: batch ? .batch : .ec2,
                regions: [instance.region], ip: ip, agent: agent, scoped: 0.7)
            start = session.creation + 3600 + Int64(rng.range(-30, 30))
        }
    }

    /// A Lambda function's execution role (session named after the function, inScopeOf on
    /// in-environment calls) or, one time in ten, an internal poller session `awslambda_…`.
    private mutating func lambda(at t: Int64) {
        let function = rng.pick(world.functions)
        let role = world.roles[function.role]
        let poller = rng.chance(0.1)
        let name = poller ? "awslambda_\(rng.range(100, 999))_\(Clock.pollerStamp(t, millis: rng.range(0, 999)))" : function.name
        guard var session = serviceAssume(service: "lambda.amazonaws.com", role: role, name: name, at: t, region: function.region) else { return }
        let origin = Truth.service("lambda.amazonaws.com", poller ? "event source poller" : function.name)
        session.scope = poller ? .none : .lambdaFunction(arn: world.functionARN(function))
        session.truth = origin.within(session)
        if poller {
            use(session, count: rng.range(2, 30), span: 900, workload: .poller, regions: [function.region],
                ip: "lambda.amazonaws.com", agent: "lambda.amazonaws.com", scoped: 0)
        } else {
            sink.samples.offer(.origin, function.name)
            use(session, count: rng.range(2, 40), span: 900, workload: .lambda, regions: [function.region],
                ip: "\(rng.pick(["34.211", "52.40", "44.230"])).\(rng.range(0, 255)).\(rng.range(1, 254))",
                agent: "Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux#5.10.227 md/arch#x86_64 lang/python#3.12.7 exec-env/AWS_Lambda_python3.12",
                scoped: 1)
        }
    }

    /// Calls made by AWS services themselves: userIdentity AWSService, or no type at all on
    /// some AwsServiceEvent records (spec §2.1).
    private mutating func serviceEvents(at start: Int64) {
        var t = start
        for _ in 0..<rng.range(1, 6) {
            let account = rng.below(world.accounts.count)
            let acct = world.accounts[account].id
            let region = region(of: account)
            let bucket = rng.pick(world.buckets[account])
            let kind = rng.below(4)
            let event: Event
            let identity: Identity
            let service: String
            switch kind {
            case 0, 1:
                service = kind == 0 ? "cloudtrail.amazonaws.com" : "config.amazonaws.com"
                identity = .service(service)
                event = Event(time: t, source: "s3.amazonaws.com", name: kind == 0 ? "GetBucketAcl" : "GetBucketPolicy", region: region,
                              sourceIP: service, userAgent: service,
                              request: jsonObject { w in w.field("bucketName", bucket); w.field("Host", "\(bucket).s3.amazonaws.com"); w.field(kind == 0 ? "acl" : "policy", "") },
                              requestID: Identifiers.token(16, &rng).uppercased(), eventID: id(), readOnly: true,
                              resources: [Resource(arn: "arn:aws:s3:::\(bucket)", account: acct, type: "AWS::S3::Bucket")], recipient: acct)
            case 2:
                service = "kms.amazonaws.com"
                identity = .serviceUntyped(account: acct, invokedBy: service)
                let key = Identifiers.uuid(&rng)
                event = Event(time: t, source: service, name: "RotateKey", region: region, sourceIP: service, userAgent: service,
                              serviceEventDetails: jsonObject { w in w.field("keyId", key) }, requestID: id(), eventID: id(), readOnly: false,
                              resources: [Resource(arn: "arn:aws:kms:\(region):\(acct):key/\(key)", account: acct, type: "AWS::KMS::Key")],
                              eventType: "AwsServiceEvent", recipient: acct)
            default:
                service = "autoscaling.amazonaws.com"
                identity = .service(service)
                event = Event(time: t, source: "ec2.amazonaws.com", name: "DescribeInstanceStatus", region: region, sourceIP: service,
                              userAgent: service,
                              request: jsonObject { w in w.key("instancesSet"); w.beginObject(); w.endObject(); w.field("includeAllInstances", false) },
                              requestID: id(), eventID: id(), readOnly: true, recipient: acct)
            }
            guard sink.emit(event, identity, account: account, truth: .service(service), case: "service_event") else { return }
            t += Int64(rng.range(1, 120))
        }
    }

    /// Automation users calling with their long-term keys, no role involved.
    private mutating func longTermKey(at t: Int64) {
        let user = rng.pick(world.users)
        _ = useLongTermKey(user, count: user.path == "automation/" ? rng.range(3, 15) : rng.range(1, 6), at: t,
                           ip: user.path == "automation/" ? "198.51.100.7" : humanIP(), agent: humanAgent())
    }
}
