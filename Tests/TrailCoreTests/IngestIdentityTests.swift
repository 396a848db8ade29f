import Foundation
import Testing
@testable import TrailCore

// Every userIdentity type CloudTrail writes, ingested, and the flattened identity columns read back.

private let identityColumns = [
    "identity_type", "principal_id", "identity_arn", "identity_account_id", "access_key_id", "user_name", "invoked_by",
    "identity_provider", "credential_id", "session_issuer_type", "session_issuer_principal_id", "session_issuer_arn",
    "session_issuer_account_id", "session_issuer_user_name", "session_creation_date", "session_mfa_authenticated",
    "source_identity", "ec2_role_delivery", "assumed_root", "sign_in_session_arn", "web_id_federated_provider",
    "on_behalf_of_user_id", "in_scope_of_issued_to",
]

private struct IdentityCase: CustomTestStringConvertible, Sendable {
    var name: String
    /// The userIdentity member as JSON text, or nil for a record without one.
    var userIdentity: String?
    /// Expected non-NULL identity columns; every other column of `identityColumns` must be NULL.
    var expected: [String: String]
    var testDescription: String { name }
}

private let sessionIssuerRole = #"{"type":"Role","principalId":"AROAEXAMPLEROLEID","arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"}"#

private let roleIssuerColumns = [
    "session_issuer_type": "Role", "session_issuer_principal_id": "AROAEXAMPLEROLEID",
    "session_issuer_arn": "arn:aws:iam::111122223333:role/Admin", "session_issuer_account_id": "111122223333",
    "session_issuer_user_name": "Admin",
]

private let identityCases: [IdentityCase] = [
    IdentityCase(name: "IAMUser", userIdentity: #"{"type":"IAMUser","principalId":"AIDAEXAMPLEUSER","arn":"arn:aws:iam::111122223333:user/Alice","accountId":"111122223333","accessKeyId":"AKIAEXAMPLEKEY","userName":"Alice"}"#,
                 expected: ["identity_type": "IAMUser", "principal_id": "AIDAEXAMPLEUSER", "identity_arn": "arn:aws:iam::111122223333:user/Alice",
                            "identity_account_id": "111122223333", "access_key_id": "AKIAEXAMPLEKEY", "user_name": "Alice"]),
    IdentityCase(name: "IAMUser (console, with session context)", userIdentity: #"{"type":"IAMUser","principalId":"AIDAEXAMPLEUSER","arn":"arn:aws:iam::111122223333:user/Alice","accountId":"111122223333","accessKeyId":"ASIAEXAMPLECONSOLE","userName":"Alice","sessionContext":{"sessionIssuer":{},"webIdFederationData":{},"attributes":{"creationDate":"2026-11-20T08:00:00Z","mfaAuthenticated":"true"}}}"#,
                 expected: ["identity_type": "IAMUser", "principal_id": "AIDAEXAMPLEUSER", "identity_arn": "arn:aws:iam::111122223333:user/Alice",
                            "identity_account_id": "111122223333", "access_key_id": "ASIAEXAMPLECONSOLE", "user_name": "Alice",
                            "session_creation_date": "2026-11-20T08:00:00Z", "session_mfa_authenticated": "true"]),
    IdentityCase(name: "AssumedRole", userIdentity: #"{"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID:alice-session","arn":"arn:aws:sts::111122223333:assumed-role/Admin/alice-session","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEROLE","sessionContext":{"sessionIssuer":"# + sessionIssuerRole + #","webIdFederationData":{},"attributes":{"creationDate":"2026-11-20T09:30:00Z","mfaAuthenticated":"false"},"sourceIdentity":"alice@example.com"},"invokedBy":"ec2.amazonaws.com"}"#,
                 expected: ["identity_type": "AssumedRole", "principal_id": "AROAEXAMPLEROLEID:alice-session",
                            "identity_arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice-session", "identity_account_id": "111122223333",
                            "access_key_id": "ASIAEXAMPLEROLE", "invoked_by": "ec2.amazonaws.com", "session_creation_date": "2026-11-20T09:30:00Z",
                            "session_mfa_authenticated": "false", "source_identity": "alice@example.com"].merging(roleIssuerColumns) { a, _ in a }),
    IdentityCase(name: "AssumedRole (EC2 instance profile)", userIdentity: #"{"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID:i-0123456789abcdef0","arn":"arn:aws:sts::111122223333:assumed-role/Admin/i-0123456789abcdef0","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEEC2","sessionContext":{"sessionIssuer":"# + sessionIssuerRole + #","attributes":{"creationDate":"2026-11-20T06:00:00Z","mfaAuthenticated":"false"},"ec2RoleDelivery":"2.0"}}"#,
                 expected: ["identity_type": "AssumedRole", "principal_id": "AROAEXAMPLEROLEID:i-0123456789abcdef0",
                            "identity_arn": "arn:aws:sts::111122223333:assumed-role/Admin/i-0123456789abcdef0", "identity_account_id": "111122223333",
                            "access_key_id": "ASIAEXAMPLEEC2", "session_creation_date": "2026-11-20T06:00:00Z", "session_mfa_authenticated": "false",
                            "ec2_role_delivery": "2.0"].merging(roleIssuerColumns) { a, _ in a }),
    IdentityCase(name: "AssumedRole (web identity)", userIdentity: #"{"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID:gha","arn":"arn:aws:sts::111122223333:assumed-role/Admin/gha","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEWEB","sessionContext":{"sessionIssuer":"# + sessionIssuerRole + #","webIdFederationData":{"federatedProvider":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com","attributes":{}},"attributes":{"creationDate":"2026-11-20T07:00:00Z","mfaAuthenticated":"false"}}}"#,
                 expected: ["identity_type": "AssumedRole", "principal_id": "AROAEXAMPLEROLEID:gha",
                            "identity_arn": "arn:aws:sts::111122223333:assumed-role/Admin/gha", "identity_account_id": "111122223333",
                            "access_key_id": "ASIAEXAMPLEWEB", "session_creation_date": "2026-11-20T07:00:00Z", "session_mfa_authenticated": "false",
                            "web_id_federated_provider": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"].merging(roleIssuerColumns) { a, _ in a }),
    IdentityCase(name: "AssumedRole (credentials in scope of a Lambda function)", userIdentity: #"{"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID:fn","arn":"arn:aws:sts::111122223333:assumed-role/Admin/fn","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEFN","sessionContext":{"sessionIssuer":"# + sessionIssuerRole + #","attributes":{"creationDate":"2026-11-20T05:00:00Z","mfaAuthenticated":"false"}},"inScopeOf":{"sourceArn":"arn:aws:lambda:us-east-1:111122223333:function:fn","sourceAccount":"111122223333","issuerType":"AWS::Lambda::Function","credentialsIssuedTo":"arn:aws:lambda:us-east-1:111122223333:function:fn"}}"#,
                 expected: ["identity_type": "AssumedRole", "principal_id": "AROAEXAMPLEROLEID:fn",
                            "identity_arn": "arn:aws:sts::111122223333:assumed-role/Admin/fn", "identity_account_id": "111122223333",
                            "access_key_id": "ASIAEXAMPLEFN", "session_creation_date": "2026-11-20T05:00:00Z", "session_mfa_authenticated": "false",
                            "in_scope_of_issued_to": "arn:aws:lambda:us-east-1:111122223333:function:fn"].merging(roleIssuerColumns) { a, _ in a }),
    IdentityCase(name: "AssumedRole (assumed root)", userIdentity: #"{"type":"AssumedRole","principalId":"111122223333","arn":"arn:aws:sts::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEROOT","sessionContext":{"attributes":{"creationDate":"2026-11-20T04:00:00Z","mfaAuthenticated":"false"},"assumedRoot":"true"}}"#,
                 expected: ["identity_type": "AssumedRole", "principal_id": "111122223333", "identity_arn": "arn:aws:sts::111122223333:root",
                            "identity_account_id": "111122223333", "access_key_id": "ASIAEXAMPLEROOT", "session_creation_date": "2026-11-20T04:00:00Z",
                            "session_mfa_authenticated": "false", "assumed_root": "true"]),
    IdentityCase(name: "Root", userIdentity: #"{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"","sessionContext":{"attributes":{"creationDate":"2026-11-20T03:00:00Z","mfaAuthenticated":"true"}}}"#,
                 expected: ["identity_type": "Root", "principal_id": "111122223333", "identity_arn": "arn:aws:iam::111122223333:root",
                            "identity_account_id": "111122223333", "access_key_id": "", "session_creation_date": "2026-11-20T03:00:00Z",
                            "session_mfa_authenticated": "true"]),
    IdentityCase(name: "FederatedUser", userIdentity: #"{"type":"FederatedUser","principalId":"111122223333:Bob","arn":"arn:aws:sts::111122223333:federated-user/Bob","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEFED","sessionContext":{"sessionIssuer":{"type":"IAMUser","principalId":"AIDAEXAMPLEUSER","arn":"arn:aws:iam::111122223333:user/Alice","accountId":"111122223333","userName":"Alice"},"attributes":{"creationDate":"2026-11-20T02:00:00Z","mfaAuthenticated":"false"}}}"#,
                 expected: ["identity_type": "FederatedUser", "principal_id": "111122223333:Bob", "identity_arn": "arn:aws:sts::111122223333:federated-user/Bob",
                            "identity_account_id": "111122223333", "access_key_id": "ASIAEXAMPLEFED", "session_issuer_type": "IAMUser",
                            "session_issuer_principal_id": "AIDAEXAMPLEUSER", "session_issuer_arn": "arn:aws:iam::111122223333:user/Alice",
                            "session_issuer_account_id": "111122223333", "session_issuer_user_name": "Alice",
                            "session_creation_date": "2026-11-20T02:00:00Z", "session_mfa_authenticated": "false"]),
    IdentityCase(name: "AWSAccount", userIdentity: #"{"type":"AWSAccount","principalId":"AROAOTHERACCOUNT:session","accountId":"444455556666","invokedBy":"AWS Internal"}"#,
                 expected: ["identity_type": "AWSAccount", "principal_id": "AROAOTHERACCOUNT:session", "identity_account_id": "444455556666",
                            "invoked_by": "AWS Internal"]),
    IdentityCase(name: "AWSService", userIdentity: #"{"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"}"#,
                 expected: ["identity_type": "AWSService", "invoked_by": "cloudtrail.amazonaws.com"]),
    IdentityCase(name: "SAMLUser", userIdentity: #"{"type":"SAMLUser","principalId":"SampleUkh1i4+ExamplexL/jEvs=:SamlExample","userName":"SamlExample","identityProvider":"bdGOnTesti4+ExamplexL/jEvs="}"#,
                 expected: ["identity_type": "SAMLUser", "principal_id": "SampleUkh1i4+ExamplexL/jEvs=:SamlExample", "user_name": "SamlExample",
                            "identity_provider": "bdGOnTesti4+ExamplexL/jEvs="]),
    IdentityCase(name: "WebIdentityUser", userIdentity: #"{"type":"WebIdentityUser","principalId":"accounts.google.com:app-id.apps.googleusercontent.com:user-id","userName":"user-id","identityProvider":"accounts.google.com"}"#,
                 expected: ["identity_type": "WebIdentityUser", "principal_id": "accounts.google.com:app-id.apps.googleusercontent.com:user-id",
                            "user_name": "user-id", "identity_provider": "accounts.google.com"]),
    IdentityCase(name: "IdentityCenterUser", userIdentity: #"{"type":"IdentityCenterUser","accountId":"111122223333","onBehalfOf":{"userId":"544894e8-80c1-707f-60e3-3ba6510dfac1","identityStoreArn":"arn:aws:identitystore::111122223333:identitystore/d-9067642ac7"},"credentialId":"EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE"}"#,
                 expected: ["identity_type": "IdentityCenterUser", "identity_account_id": "111122223333",
                            "on_behalf_of_user_id": "544894e8-80c1-707f-60e3-3ba6510dfac1",
                            "credential_id": "EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE"]),
    IdentityCase(name: "Unknown", userIdentity: #"{"type":"Unknown","principalId":"internal-user-id","accountId":"111122223333","userName":"victim"}"#,
                 expected: ["identity_type": "Unknown", "principal_id": "internal-user-id", "identity_account_id": "111122223333", "user_name": "victim"]),
    IdentityCase(name: "userIdentity with nulls and an empty sessionContext", userIdentity: #"{"type":"IAMUser","principalId":null,"arn":null,"sessionContext":{},"userName":"nulls"}"#,
                 expected: ["identity_type": "IAMUser", "user_name": "nulls"]),
    IdentityCase(name: "no userIdentity", userIdentity: nil, expected: [:]),
]

/// A string member of a JSON object stored as text.
private func member(_ json: String?, _ key: String) -> String? {
    guard let json, let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
    return object[key] as? String
}

@Suite("Ingest: userIdentity types")
struct IngestIdentityTests {
    @Test("each userIdentity type fills its typed columns and leaves the others NULL", arguments: identityCases)
    fileprivate func identityColumnsFilled(_ identity: IdentityCase) throws {
        try TS.withTempDir { dir in
            var record = TS.recordObject(id: "ui-\(identity.name)", removing: ["userIdentity"])
            if let text = identity.userIdentity {
                record["userIdentity"] = try JSONSerialization.jsonObject(with: Data(text.utf8))
            }
            dir.write("logs/identity.json", TS.recordsFile([TS.json(record)]))
            let summary = try TS.ingest([dir.file("logs")], into: dir.database)
            #expect(summary.eventsNew == 1 && summary.filesIngested == 1 && summary.recordsRejected == 0)

            let db = try TS.openDB(dir.database)
            let row = try #require(try TS.eventRow(db, id: "ui-\(identity.name)"))
            for column in identityColumns {
                let actual = row[column] ?? nil
                #expect(actual == identity.expected[column], "\(identity.name): \(column)")
            }
            // The whole userIdentity object is kept verbatim.
            if let text = identity.userIdentity {
                let stored = try #require(row["user_identity"] ?? nil)
                let a = try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? NSDictionary
                let b = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary
                #expect(a != nil && a == b)
            } else {
                #expect((row["user_identity"] ?? nil) == nil)
            }
            // The session creation time is also stored as Unix seconds.
            if let creation = identity.expected["session_creation_date"] {
                #expect((row["session_creation_ts"] ?? nil) == String(Timestamp.parse(creation)!))
            } else {
                #expect((row["session_creation_ts"] ?? nil) == nil)
            }
        }
    }

    @Test("the verbatim onBehalfOf, inScopeOf and webIdFederationData objects are kept")
    func verbatimIdentityParts() throws {
        try TS.withTempDir { dir in
            let records = identityCases.compactMap { identity -> String? in
                guard let text = identity.userIdentity else { return nil }
                var record = TS.recordObject(id: "v-\(identity.name)", removing: ["userIdentity"])
                record["userIdentity"] = try? JSONSerialization.jsonObject(with: Data(text.utf8))
                return TS.json(record)
            }
            dir.write("all.json", TS.recordsFile(records))
            let summary = try TS.ingest([dir.file("all.json")], into: dir.database)
            #expect(summary.eventsNew == records.count)
            let db = try TS.openDB(dir.database)
            let center = try #require(try TS.eventRow(db, id: "v-IdentityCenterUser"))
            #expect(member(center["on_behalf_of"] ?? nil, "identityStoreArn") == "arn:aws:identitystore::111122223333:identitystore/d-9067642ac7")
            let lambda = try #require(try TS.eventRow(db, id: "v-AssumedRole (credentials in scope of a Lambda function)"))
            #expect(member(lambda["in_scope_of"] ?? nil, "issuerType") == "AWS::Lambda::Function")
            let web = try #require(try TS.eventRow(db, id: "v-AssumedRole (web identity)"))
            #expect(member(web["web_id_federation_data"] ?? nil, "federatedProvider") == "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com")
            // Identity types are all there, one event each.
            let types = try db.rows("SELECT identity_type, count(*) FROM events GROUP BY identity_type ORDER BY 1")
                .map { "\($0[0].textValue ?? "NULL")=\($0[1].intValue ?? 0)" }
            #expect(types == ["AWSAccount=1", "AWSService=1", "AssumedRole=5", "FederatedUser=1", "IAMUser=3", "IdentityCenterUser=1",
                              "Root=1", "SAMLUser=1", "Unknown=1", "WebIdentityUser=1"])
        }
    }
}
