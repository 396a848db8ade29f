/// The pieces of one CloudTrail record and how they are written, in the key order AWS uses.
/// Shapes follow attribution spec §2 (userIdentity), §3 (issuance), §5 (cross-account copies)
/// and §6 (service-issued sessions).

/// A role session as its usage events show it.
struct RoleSession {
    enum Scope {
        case none
        case ec2Instance(arn: String)
        case lambdaFunction(arn: String)
    }

    var role: World.Role
    var name: String
    var creation: Int64
    var expires: Int64
    /// The key the session signs with. Equal to the issued key except for Identity Center,
    /// whose usage key differs from the AssumeRoleWithSAML response (spec §3.8).
    var usageKey: String
    var sourceIdentity: String? = nil
    var mfa = false
    var ec2RoleDelivery = false
    var scope: Scope = .none
    var onBehalfOf: (userID: String, storeARN: String)? = nil
    var webProvider: String? = nil
    var truth: Truth

    var principalID: String { "\(role.id):\(name)" }
    var arn: String { role.sessionARN(name) }
}

/// What an ideal attributor answers for one event (one line of ground-truth.tsv).
struct Truth: Equatable {
    var type: String
    var id: String
    var detail: String = ""
    var roleARN: String = ""
    var sessionName: String = ""

    static func iamUser(_ u: World.User) -> Truth { Truth(type: "iam_user", id: u.arn) }
    static func service(_ name: String, _ detail: String = "") -> Truth { Truth(type: "aws_service", id: name, detail: detail) }

    /// The same origin, seen from inside a role session.
    func within(_ s: RoleSession) -> Truth {
        var t = self
        t.roleARN = s.role.arn
        t.sessionName = s.name
        return t
    }

    /// The origin alone (a call made outside any role session).
    var originOnly: Truth { Truth(type: type, id: id, detail: detail) }
}

/// Who made a call: the `userIdentity` element.
enum Identity {
    case user(World.User)
    case session(RoleSession, scoped: Bool)
    case service(String)
    /// Service events whose userIdentity has no type, only accountId + invokedBy (spec §2.1).
    case serviceUntyped(account: String, invokedBy: String)
    case account(principalID: String, accountID: String)
    case saml(principalID: String, userName: String, provider: String)
    case webIdentity(principalID: String, userName: String, provider: String)
    case identityCenter(accountID: String, userID: String, storeARN: String, credentialID: String)

    var invokedByService: Bool {
        switch self {
        case .service, .serviceUntyped: return true
        default: return false
        }
    }

    func write(_ w: inout JSONWriter) {
        w.key("userIdentity")
        w.beginObject()
        switch self {
        case .user(let u):
            w.field("type", "IAMUser")
            w.field("principalId", u.principalID)
            w.field("arn", u.arn)
            w.field("accountId", u.accountID)
            w.field("accessKeyId", u.key)
            w.field("userName", u.name)
        case .session(let s, let scoped):
            w.field("type", "AssumedRole")
            w.field("principalId", s.principalID)
            w.field("arn", s.arn)
            w.field("accountId", s.role.accountID)
            w.field("accessKeyId", s.usageKey)
            w.key("sessionContext")
            w.beginObject()
            w.key("sessionIssuer")
            w.beginObject()
            w.field("type", "Role")
            w.field("principalId", s.role.id)
            w.field("arn", s.role.arn)
            w.field("accountId", s.role.accountID)
            w.field("userName", s.role.name)
            w.endObject()
            if let provider = s.webProvider {
                w.key("webIdFederationData")
                w.beginObject()
                w.field("federatedProvider", provider)
                w.key("attributes"); w.beginObject(); w.endObject()
                w.endObject()
            }
            w.key("attributes")
            w.beginObject()
            w.key("creationDate")
            var stamp: [UInt8] = [0x22]
            Clock.appendISO(s.creation, to: &stamp)
            stamp.append(0x22)
            w.raw(stamp)
            w.field("mfaAuthenticated", s.mfa ? "true" : "false")
            w.endObject()
            w.optionalField("sourceIdentity", s.sourceIdentity)
            if s.ec2RoleDelivery { w.field("ec2RoleDelivery", "2.0") }
            w.endObject()
            if scoped {
                switch s.scope {
                case .none: break
                case .ec2Instance(let arn):
                    w.key("inScopeOf"); w.beginObject()
                    w.field("issuerType", "AWS::EC2::Instance"); w.field("credentialsIssuedTo", arn)
                    w.endObject()
                case .lambdaFunction(let arn):
                    w.key("inScopeOf"); w.beginObject()
                    w.field("issuerType", "AWS::Lambda::Function"); w.field("credentialsIssuedTo", arn)
                    w.endObject()
                }
            }
            if let obo = s.onBehalfOf {
                w.key("onBehalfOf"); w.beginObject()
                w.field("userId", obo.userID); w.field("identityStoreArn", obo.storeARN)
                w.endObject()
            }
        case .service(let name):
            w.field("type", "AWSService")
            w.field("invokedBy", name)
        case .serviceUntyped(let account, let invokedBy):
            w.field("accountId", account)
            w.field("invokedBy", invokedBy)
        case .account(let principal, let account):
            w.field("type", "AWSAccount")
            w.field("principalId", principal)
            w.field("accountId", account)
        case .saml(let principal, let userName, let provider):
            w.field("type", "SAMLUser")
            w.field("principalId", principal)
            w.field("userName", userName)
            w.field("identityProvider", provider)
        case .webIdentity(let principal, let userName, let provider):
            w.field("type", "WebIdentityUser")
            w.field("principalId", principal)
            w.field("userName", userName)
            w.field("identityProvider", provider)
        case .identityCenter(let account, let userID, let store, let credential):
            w.field("type", "IdentityCenterUser")
            w.field("accountId", account)
            w.key("onBehalfOf"); w.beginObject()
            w.field("userId", userID); w.field("identityStoreArn", store)
            w.endObject()
            w.field("credentialId", credential)
        }
        w.endObject()
    }
}

struct Resource {
    var arn: String
    var account: String?
    var type: String
}

/// One record's fields other than userIdentity.
struct Event {
    var version: StaticString = "1.09"
    var time: Int64
    var source: String
    var name: String
    var region: String
    var sourceIP: String
    var userAgent: String
    var errorCode: String? = nil
    var errorMessage: String? = nil
    /// Pre-rendered JSON; nil is written as `null`.
    var request: [UInt8]? = nil
    var response: [UInt8]? = nil
    var additional: [UInt8]? = nil
    var serviceEventDetails: [UInt8]? = nil
    var requestID: String
    var eventID: String
    var readOnly: Bool
    var resources: [Resource] = []
    var eventType: StaticString = "AwsApiCall"
    var management = true
    var recipient: String
    var shared: String? = nil
    var vpcEndpoint: String? = nil
    var data = false

    func render(_ identity: Identity) -> [UInt8] {
        var w = JSONWriter(capacity: 1536 + (request?.count ?? 0) + (response?.count ?? 0))
        w.beginObject()
        w.key("eventVersion"); w.raw(Array("\"\(version)\"".utf8))
        identity.write(&w)
        w.key("eventTime")
        var stamp: [UInt8] = [0x22]
        Clock.appendISO(time, to: &stamp)
        stamp.append(0x22)
        w.raw(stamp)
        w.field("eventSource", source)
        w.field("eventName", name)
        w.field("awsRegion", region)
        w.field("sourceIPAddress", sourceIP)
        w.field("userAgent", userAgent)
        w.optionalField("errorCode", errorCode)
        w.optionalField("errorMessage", errorMessage)
        w.key("requestParameters")
        if let request { w.raw(request) } else { w.null() }
        w.key("responseElements")
        if let response { w.raw(response) } else { w.null() }
        if let additional { w.key("additionalEventData"); w.raw(additional) }
        w.field("requestID", requestID)
        w.field("eventID", eventID)
        w.field("readOnly", readOnly)
        if !resources.isEmpty {
            w.key("resources")
            w.beginArray()
            for r in resources {
                w.beginObject()
                w.optionalField("accountId", r.account)
                w.field("type", r.type)
                w.field("ARN", r.arn)
                w.endObject()
            }
            w.endArray()
        }
        w.key("eventType"); w.raw(Array("\"\(eventType)\"".utf8))
        w.field("managementEvent", management)
        w.field("recipientAccountId", recipient)
        w.optionalField("sharedEventID", shared)
        w.optionalField("vpcEndpointId", vpcEndpoint)
        if let serviceEventDetails { w.key("serviceEventDetails"); w.raw(serviceEventDetails) }
        w.field("eventCategory", data ? "Data" : "Management")
        if !identity.invokedByService && !sourceIP.hasSuffix(".amazonaws.com") {
            // tlsDetails is absent when a service made the call (spec §1).
            w.key("tlsDetails"); w.beginObject()
            w.field("tlsVersion", "TLSv1.3")
            w.field("cipherSuite", "TLS_AES_128_GCM_SHA256")
            w.field("clientProvidedHostHeader", "\(source.split(separator: ".").first.map(String.init) ?? source).\(region).amazonaws.com")
            w.endObject()
        }
        w.endObject()
        return w.out
    }
}

/// Small helper to build a JSON object for request/response elements.
func jsonObject(_ build: (inout JSONWriter) -> Void) -> [UInt8] {
    var w = JSONWriter(capacity: 256)
    w.beginObject()
    build(&w)
    w.endObject()
    return w.out
}
