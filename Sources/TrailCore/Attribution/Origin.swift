/// Who started a chain of credentials: a person, a workload, or an outside account.
struct Origin: Equatable {
    enum Kind: String {
        case iamUser = "iam_user", root, samlUser = "saml_user", webIdentityUser = "web_identity_user"
        case identityCenterUser = "identity_center_user", awsService = "aws_service"
        case externalAccount = "external_account", unknown
    }

    var kind: Kind
    var id: String?
    var detail: String?
    var account: String?

    static func unknown(_ detail: String? = nil) -> Origin { Origin(kind: .unknown, id: nil, detail: detail, account: nil) }
}

/// How sure trail is of a link, strongest first.
enum Confidence: String, Comparable {
    case exact, strong, heuristic, ambiguous, none

    private var rank: Int {
        switch self {
        case .exact: return 0
        case .strong: return 1
        case .heuristic: return 2
        case .ambiguous: return 3
        case .none: return 4
        }
    }

    static func < (a: Confidence, b: Confidence) -> Bool { a.rank < b.rank }

    /// The weaker of two.
    func weakest(_ other: Confidence) -> Confidence { max(self, other) }
}
