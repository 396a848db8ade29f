/// Walks each session's parents to the origin (spec §9.7), carrying the chain, MFA and source
/// identity along. Results are memoised in a bounded cache: a parent shared by many sessions
/// (a user's AssumeRole caller, an instance's refreshes) is resolved once while it is in use,
/// and memory stays flat however many sessions the database holds. Resolving a session again
/// gives the same result, except after a cut walk, whose result is therefore kept for good.
struct OriginResolver {
    struct Resolved {
        var link: SessionLinker.Link
        var kind: SessionLinker.Kind
        var origin: Origin
        var chainRoles: [String]
        var chainKeys: [String]
        var depth: Int
        var confidence: Confidence
        var mfa: Bool
        var mfaOrigin: Bool
        var mfaChain: Bool
        var sourceIdentity: String?
        var sourceIdentityStatus: String
        var reason: String?
        var roleARN: String?
        /// The walk was cut (a cycle, or deeper than the limit) here or above: the result depends
        /// on where the walk started, so it is kept for good rather than in the bounded memo.
        var cut = false
    }

    static let maximumDepth = 64

    let sessions: SessionStore
    let linker: SessionLinker
    /// Two generations: when the current one is full it becomes the previous one.
    private var memo: [String: Resolved] = [:]
    private var previousMemo: [String: Resolved] = [:]
    /// Results of cut walks (cycles and over-deep chains: forged or corrupt logs, so few).
    private var pinned: [String: Resolved] = [:]
    private let memoLimit: Int

    init(sessions: SessionStore, linker: SessionLinker, memoLimit: Int = 16_384) {
        self.sessions = sessions
        self.linker = linker
        self.memoLimit = memoLimit
    }

    mutating func resolve(_ session: SessionAggregate) throws -> Resolved {
        var path: [String] = []
        return try resolve(session.key, known: session, path: &path)
    }

    private mutating func remember(_ key: String, _ resolved: Resolved) {
        if memo.count >= memoLimit {
            previousMemo = memo
            memo = [:]
        }
        memo[key] = resolved
    }

    private mutating func resolve(_ key: String, known: SessionAggregate? = nil, path: inout [String]) throws -> Resolved {
        if let done = memo[key] ?? pinned[key] { return done }
        if let done = previousMemo[key] {
            remember(key, done)
            return done
        }
        guard let session = try known ?? sessions.session(key) else {
            let link = SessionLinker.Link(issuance: nil, method: nil, confidence: .none, parent: .origin(.unknown()),
                                          reason: "the calling session \(key) has no events in the ingested logs")
            return Resolved(link: link, kind: .unknown, origin: .unknown(), chainRoles: [], chainKeys: [key], depth: 0,
                            confidence: .none, mfa: false, mfaOrigin: false, mfaChain: false, sourceIdentity: nil,
                            sourceIdentityStatus: "absent", reason: link.reason, roleARN: nil)
        }
        path.append(key)
        defer { path.removeLast() }
        let link = try linker.link(session)
        let kind = SessionLinker.kind(of: session)
        let isRole = kind == .role
        let countsAsHop = isRole || kind == .federatedUser || kind == .userSession || kind == .rootSession
        let roleARN = isRole ? (session.issuerARN ?? Self.roleARN(fromSession: session.arn)) : nil
        let mfa = session.mfaObserved || (link.issuance?.mfa ?? false)
        let ownSI = session.sourceIdentity ?? link.issuance?.sourceIdentity
        let ownStatus = session.sourceIdentity != nil ? "observed" : (ownSI != nil ? "issuance" : "absent")

        var resolved: Resolved
        switch link.parent {
        case .origin(let origin):
            resolved = Resolved(link: link, kind: kind, origin: origin, chainRoles: roleARN.map { [$0] } ?? [], chainKeys: [key],
                                depth: countsAsHop ? 1 : 0, confidence: link.confidence, mfa: mfa, mfaOrigin: mfa, mfaChain: mfa,
                                sourceIdentity: ownSI, sourceIdentityStatus: ownStatus, reason: link.reason, roleARN: roleARN)
        case .session(let parentKey):
            if path.contains(parentKey) || path.count >= Self.maximumDepth {
                let why = path.contains(parentKey)
                    ? "role chain loops back to \(parentKey); stopped there"
                    : "role chain deeper than \(Self.maximumDepth); stopped there"
                resolved = Resolved(link: link, kind: kind, origin: .unknown(why), chainRoles: roleARN.map { [$0] } ?? [], chainKeys: [key],
                                    depth: countsAsHop ? 1 : 0, confidence: .none, mfa: mfa, mfaOrigin: mfa, mfaChain: mfa,
                                    sourceIdentity: ownSI, sourceIdentityStatus: ownStatus, reason: why, roleARN: roleARN, cut: true)
            } else {
                let parent = try resolve(parentKey, path: &path)
                var status = ownStatus
                var si = ownSI
                if let own = ownSI {
                    if let inherited = parent.sourceIdentity, inherited != own { status = "conflict" }
                    if session.sourceIdentityVariants > 1 { status = "conflict" }
                    si = own
                } else if let inherited = parent.sourceIdentity {
                    si = inherited
                    status = "inherited"
                }
                resolved = Resolved(link: link, kind: kind, origin: parent.origin,
                                    chainRoles: parent.chainRoles + (roleARN.map { [$0] } ?? []),
                                    chainKeys: parent.chainKeys + [key],
                                    depth: parent.depth + (countsAsHop ? 1 : 0),
                                    confidence: link.confidence.weakest(parent.confidence),
                                    mfa: mfa, mfaOrigin: parent.kind.isCredentialSession ? parent.mfaOrigin : (parent.mfa || mfa),
                                    mfaChain: parent.mfaChain || mfa,
                                    sourceIdentity: si, sourceIdentityStatus: status,
                                    reason: link.reason ?? parent.reason, roleARN: roleARN, cut: parent.cut)
            }
        }
        if session.sourceIdentityVariants > 1 { resolved.sourceIdentityStatus = "conflict" }
        if resolved.cut { pinned[key] = resolved } else { remember(key, resolved) }
        return resolved
    }

    /// `arn:aws:sts::A:assumed-role/R/s` → `arn:aws:iam::A:role/R` (the path is not in the session ARN).
    static func roleARN(fromSession arn: String?) -> String? {
        guard let arn, let parsed = ARN(arn), parsed.resource.hasPrefix("assumed-role/") else { return nil }
        let parts = parsed.resource.split(separator: "/")
        guard parts.count >= 2 else { return nil }
        return "arn:\(parsed.partition):iam::\(parsed.account):role/\(parts[1])"
    }
}

extension SessionLinker.Kind {
    /// Sessions minted by a sign-in or an STS call, as opposed to an identity acting directly.
    /// The first of them in a chain carries the origin's authentication (its MFA).
    var isCredentialSession: Bool {
        switch self {
        case .role, .federatedUser, .userSession, .rootSession: return true
        default: return false
        }
    }
}
