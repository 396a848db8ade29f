/// The simulated organisation: accounts, IAM users, roles, workloads and identity providers.
/// Everything is drawn once from its own PRNG stream, so the event stream can change without
/// renaming the cast (and vice versa).
struct World {
    struct Account {
        let id: String
        let name: String
        let regions: [String]
        let regionWeights: [Double]
    }

    struct Role {
        let account: Int
        let accountID: String
        let name: String
        /// IAM path without leading slash, e.g. `app/` or `aws-reserved/sso.amazonaws.com/eu-west-1/`.
        let path: String
        let id: String
        /// `sessionIssuer.arn`: the role ARN *with* its path.
        var arn: String { "arn:aws:iam::\(accountID):role/\(path)\(name)" }
        /// assumed-role ARNs drop the path (attribution spec §2.2 rule 2).
        func sessionARN(_ sessionName: String) -> String { "arn:aws:sts::\(accountID):assumed-role/\(name)/\(sessionName)" }
    }

    struct User {
        let account: Int
        let accountID: String
        let name: String
        let path: String
        let principalID: String
        let key: String
        var arn: String { "arn:aws:iam::\(accountID):user/\(path)\(name)" }
    }

    struct Instance {
        let account: Int
        let region: String
        let id: String
        let role: Int
    }

    struct Function {
        let account: Int
        let region: String
        let name: String
        let role: Int
    }

    struct SAMLProvider {
        let arn: String
        let nameQualifier: String
        let issuer: String
    }

    struct IdentityCenterUser {
        let email: String
        let userID: String
    }

    struct PermissionSetRole {
        let role: Int
        let permissionSet: String
    }

    struct IdentityCenterAccount {
        let providerARN: String
        let nameQualifier: String
        let roles: [PermissionSetRole]
    }

    static let identityAccount = 0, devAccount = 1, prodAccount = 2, dataAccount = 3, sandboxAccount = 4
    static let identityCenterRegion = "eu-west-1"

    var accounts: [Account] = []
    var roles: [Role] = []
    var users: [User] = []
    var humanRoles: [[Int]] = []
    var samlRoles: [[Int]] = []
    var ghaRoles: [[Int]] = []
    var ec2Roles: [[Int]] = []
    var samlProviders: [SAMLProvider?] = []
    var identityCenter: [IdentityCenterAccount?] = []
    var oidcProviders: [String?] = []
    var instances: [Instance] = []
    var functions: [Function] = []
    var samlSubjects: [String] = []
    var idcUsers: [IdentityCenterUser] = []
    var identityStoreARN = ""
    var githubSubjects: [String] = []
    var buckets: [[String]] = []
    var tables: [[String]] = []
    var queues: [[String]] = []
    /// Pre-rendered large policy documents / templates (8–40 KB) for the few big requestParameters.
    var bigDocuments: [String] = []

    init(seed: UInt64, events: Int) {
        var rng = SplitMix64(seed: seed).fork(0x5767_6F72_6C64)  // "World"
        let layout: [(String, [String], [Double])] = [
            ("identity", ["us-east-1", "eu-west-1"], [0.8, 0.2]),
            ("dev", ["us-east-1", "eu-west-1"], [0.7, 0.3]),
            ("prod", ["us-east-1", "eu-west-1", "us-west-2"], [0.6, 0.25, 0.15]),
            ("data", ["us-east-1"], [1.0]),
            ("sandbox", ["us-east-1", "eu-central-1"], [0.7, 0.3]),
        ]
        for (name, regions, weights) in layout {
            accounts.append(Account(id: Identifiers.account(&rng), name: name, regions: regions, regionWeights: weights))
        }
        func addRole(_ account: Int, _ name: String, path: String = "") -> Int {
            roles.append(Role(account: account, accountID: accounts[account].id, name: name, path: path, id: Identifiers.roleID(&rng)))
            return roles.count - 1
        }
        for a in accounts.indices {
            var human = [addRole(a, "OrganizationAccountAccessRole"), addRole(a, "Admin"), addRole(a, "ReadOnly"),
                         addRole(a, "BreakGlass", path: "security/")]
            if a != Self.identityAccount { human.append(addRole(a, "Deployer")) }
            if a == Self.dataAccount { human.append(addRole(a, "DataEngineer", path: "data/")) }
            humanRoles.append(human)
            samlRoles.append(a == Self.devAccount || a == Self.prodAccount ? [addRole(a, "Okta-Engineer"), addRole(a, "Okta-ReadOnly")] : [])
            ghaRoles.append(a == Self.devAccount || a == Self.prodAccount || a == Self.sandboxAccount
                            ? [addRole(a, "gha-deploy"), addRole(a, "gha-plan", path: "ci/")] : [])
            ec2Roles.append(a == Self.devAccount || a == Self.prodAccount || a == Self.dataAccount
                            ? [addRole(a, "web-tier-role", path: "app/"), addRole(a, "worker-role", path: "app/"), addRole(a, "etl-role", path: "batch/")] : [])
            if a == Self.devAccount || a == Self.prodAccount {
                samlProviders.append(SAMLProvider(arn: "arn:aws:iam::\(accounts[a].id):saml-provider/Okta",
                                                  nameQualifier: Identifiers.nameQualifier(&rng),
                                                  issuer: "http://www.okta.com/exk\(Identifiers.token(17, &rng))"))
            } else {
                samlProviders.append(nil)
            }
            oidcProviders.append(ghaRoles[a].isEmpty ? nil : "arn:aws:iam::\(accounts[a].id):oidc-provider/token.actions.githubusercontent.com")
            // Identity Center roles: AWSReservedSSO_<PermissionSet>_<16 hex> under the reserved path;
            // some accounts were enrolled before the region segment was added to the path.
            let pathRegion = a % 2 == 0 ? "\(Self.identityCenterRegion)/" : ""
            var psRoles: [PermissionSetRole] = []
            for ps in ["AdministratorAccess", "ReadOnlyAnalyst", "PowerUserAccess", "Data_Scientist"] {
                let role = addRole(a, "AWSReservedSSO_\(ps)_\(Identifiers.hex(16, &rng))", path: "aws-reserved/sso.amazonaws.com/\(pathRegion)")
                psRoles.append(PermissionSetRole(role: role, permissionSet: ps))
            }
            identityCenter.append(IdentityCenterAccount(
                providerARN: "arn:aws:iam::\(accounts[a].id):saml-provider/AWSSSO_\(Identifiers.hex(16, &rng))_DO_NOT_DELETE",
                nameQualifier: Identifiers.nameQualifier(&rng), roles: psRoles))
            let prefix = accounts[a].name
            buckets.append((0..<4).map { "acme-\(prefix)-\(["assets", "logs", "exports", "artifacts"][$0])-\(Identifiers.hex(6, &rng))" })
            tables.append(["orders", "customers", "sessions", "inventory"].map { "\(prefix)-\($0)" })
            queues.append(["fulfilment", "orders-in", "dead-letter"].map { "https://sqs.us-east-1.amazonaws.com/\(accounts[a].id)/\(prefix)-\($0)" })
        }

        let first = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj",
                     "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yasmin", "zoe", "quentin", "uma", "xavier"]
        for (i, name) in first.enumerated() {
            let account = i % 4 == 3 ? Self.devAccount : Self.identityAccount
            users.append(User(account: account, accountID: accounts[account].id, name: name,
                              path: i % 5 == 0 ? "engineering/" : "", principalID: Identifiers.userID(&rng), key: Identifiers.longTermKey(&rng)))
        }
        for name in ["svc-terraform", "svc-backup", "ci-legacy", "svc-monitoring", "svc-reporting"] {
            let account = name == "svc-backup" ? Self.prodAccount : Self.devAccount
            users.append(User(account: account, accountID: accounts[account].id, name: name, path: "automation/",
                              principalID: Identifiers.userID(&rng), key: Identifiers.longTermKey(&rng)))
        }

        // Workload counts grow with the corpus so that per-instance volumes stay plausible.
        let instanceCount = max(6, events / 15_000)
        for i in 0..<instanceCount {
            let account = [Self.devAccount, Self.prodAccount, Self.prodAccount, Self.dataAccount, Self.dataAccount][i % 5]
            let region = accounts[account].regions[rng.weighted(accounts[account].regionWeights)]
            instances.append(Instance(account: account, region: region, id: Identifiers.instance(&rng), role: rng.pick(ec2Roles[account])))
        }
        let stems = ["order-processor", "thumbnail-generator", "invoice-mailer", "audit-exporter", "etl-trigger",
                     "session-cleaner", "webhook-receiver", "report-builder", "price-sync", "image-indexer"]
        let functionCount = max(4, events / 40_000)
        for i in 0..<functionCount {
            let account = [Self.prodAccount, Self.dataAccount, Self.devAccount, Self.prodAccount][i % 4]
            let region = accounts[account].regions[rng.weighted(accounts[account].regionWeights)]
            let name = i < stems.count ? stems[i] : "\(stems[i % stems.count])-\(i / stems.count)"
            let role = addRole(account, "\(name)-role", path: "service-role/")
            functions.append(Function(account: account, region: region, name: name, role: role))
        }

        let last = ["smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "anderson", "thomas", "moore",
                    "martin", "lee", "perez", "white", "harris", "clark"]
        samlSubjects = (0..<16).map { "\(first[$0 + 3]).\(last[$0])@corp.example" }
        idcUsers = (0..<24).map { i in
            IdentityCenterUser(email: "\(first[i]).\(last[(i * 7) % last.count])@example.org",
                               userID: "\(Identifiers.hex(10, &rng))-\(Identifiers.hex(4, &rng))-\(Identifiers.hex(4, &rng))-\(Identifiers.hex(4, &rng))-\(Identifiers.hex(12, &rng))")
        }
        identityStoreARN = "arn:aws:identitystore::\(accounts[Self.identityAccount].id):identitystore/d-\(Identifiers.hex(10, &rng))"
        let repos = ["payments-api", "web-frontend", "infra-live", "data-pipelines", "mobile-backend", "auth-service", "docs-site", "ml-models"]
        for repo in repos {
            githubSubjects.append("repo:acme/\(repo):ref:refs/heads/main")
            githubSubjects.append("repo:acme/\(repo):environment:production")
            githubSubjects.append("repo:acme/\(repo):pull_request")
        }
        for i in 0..<12 {
            bigDocuments.append(Self.bigPolicy(bytes: 8_000 + i * 2_800, &rng))
        }
    }

    /// A policy document as IAM would log it: a JSON string inside requestParameters.
    static func bigPolicy(bytes target: Int, _ rng: inout SplitMix64) -> String {
        var w = JSONWriter(capacity: target + 512)
        w.beginObject()
        w.field("Version", "2012-10-17")
        w.key("Statement")
        w.beginArray()
        var n = 0
        let actions = ["s3:GetObject", "s3:PutObject", "dynamodb:Query", "kms:Decrypt", "sqs:SendMessage", "logs:PutLogEvents",
                       "ec2:DescribeInstances", "ssm:GetParameter", "secretsmanager:GetSecretValue", "lambda:InvokeFunction"]
        while w.out.count < target {
            w.beginObject()
            w.field("Sid", "Stmt\(n)\(Identifiers.hex(6, &rng))")
            w.field("Effect", rng.chance(0.9) ? "Allow" : "Deny")
            w.key("Action")
            w.beginArray()
            for _ in 0..<rng.range(1, 4) { w.string(rng.pick(actions)) }
            w.endArray()
            w.key("Resource")
            w.beginArray()
            for _ in 0..<rng.range(1, 3) { w.string("arn:aws:s3:::acme-\(Identifiers.hex(8, &rng))/\(Identifiers.token(12, &rng))/*") }
            w.endArray()
            w.endObject()
            n += 1
        }
        w.endArray()
        w.endObject()
        return String(decoding: w.out, as: UTF8.self)
    }

    func instanceARN(_ i: Instance) -> String { "arn:aws:ec2:\(i.region):\(accounts[i.account].id):instance/\(i.id)" }
    func functionARN(_ f: Function) -> String { "arn:aws:lambda:\(f.region):\(accounts[f.account].id):function:\(f.name)" }
}
