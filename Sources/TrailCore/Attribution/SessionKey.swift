/// The credential-session key every event is grouped by, computed once at ingest.
///
/// Temporary credentials are keyed by `principalId@creationDate`: it survives key rotation
/// (console, Identity Center) and tells apart repeated sessions with the same ARN (EC2
/// refreshes, CI runs). Access keys are never the key: ASIA ids repeat across sessions.
/// Identities without a credential session get a key naming what they are, so every event
/// joins to exactly one row of `sessions`:
///
/// | identity | key |
/// |---|---|
/// | temporary credentials with creationDate | `<principalId>@<creationDate>` (IAM users, root: `<arn>@…`) |
/// | long-term access key (AKIA) | `<arn>|key:<AKIA…>` |
/// | ASIA key without creationDate | `<principalId>|key:<ASIA…>|win:<hour>` |
/// | role session with neither (a SwitchRole record) | `<principalId>|win:<hour>` |
/// | IAM user / root without a key (console sign-in) | `user:<arn>` / `root:<account>` |
/// | AWS service | `svc:<invokedBy>` |
/// | another account (resource owner's copy) | `acct:<accountId>/<principalId>` |
/// | SAML / web identity caller of an STS call | `saml:<principalId>` / `webid:<principalId>` |
/// | Identity Center user | `idc:<userId or credentialId>` |
public enum SessionKey {
    /// Valid AWS access key ids; anything else ("", REDACTED, HIDDEN_DUE_TO_SECURITY_REASONS) is ignored.
    @inline(__always)
    static func isAccessKey(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n == 20 else { return false }
        if p[0] != 0x41 || p[2] != 0x49 || p[3] != 0x41 { return false }  // A?IA
        guard p[1] == 0x4B || p[1] == 0x53 else { return false }           // AKIA | ASIA
        for i in 4..<20 {
            let c = p[i]
            guard (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) else { return false }
        }
        return true
    }

    public static func isAccessKey(_ key: String) -> Bool {
        var bytes = Array(key.utf8)
        return bytes.withUnsafeMutableBufferPointer { b in b.baseAddress.map { isAccessKey($0, b.count) } ?? false }
    }

    /// Builds the key for the record just normalised into `row`, appending it to `scratch`.
    static func build(row: [FieldValue], eventTime: Int64, creationTime: Int64?, base: UnsafePointer<UInt8>,
                      scratch: inout [UInt8]) -> FieldValue {
        func bytes(_ column: EventColumn) -> (UnsafePointer<UInt8>, Int)? {
            let v = row[column.rawValue]
            switch v.kind {
            case .text: return v.length > 0 ? (base + Int(v.offset), Int(v.length)) : nil
            case .scratchText:
                // Decoded strings live in scratch, which may move as it grows: copy them out first.
                return nil
            default: return nil
            }
        }
        func string(_ column: EventColumn) -> [UInt8]? {
            let v = row[column.rawValue]
            switch v.kind {
            case .text: return v.length > 0 ? Array(UnsafeBufferPointer(start: base + Int(v.offset), count: Int(v.length))) : nil
            case .scratchText: return v.length > 0 ? Array(scratch[Int(v.offset)..<Int(v.offset + v.length)]) : nil
            default: return nil
            }
        }
        func equals(_ column: EventColumn, _ literal: StaticString) -> Bool {
            guard let (p, n) = bytes(column), n == literal.utf8CodeUnitCount else { return false }
            let l = literal.utf8Start
            for i in 0..<n where p[i] != l[i] { return false }
            return true
        }
        let start = scratch.count
        func finish() -> FieldValue {
            FieldValue(offset: Int32(start), length: Int32(scratch.count - start), kind: .scratchText)
        }
        // IAM users and root are keyed by ARN: principal ids and keys are shared by copy-pasted
        // fixtures, and the ARN is what names the person. Role sessions keep the principal id,
        // whose role id (AROA…) tells a recreated role from the old one.
        let byARN = equals(.identityType, "IAMUser") || equals(.identityType, "Root")
        let principal = byARN ? (string(.identityARN) ?? string(.principalID)) : (string(.principalID) ?? string(.identityARN))
        let key = bytes(.accessKeyID).flatMap { isAccessKey($0.0, $0.1) ? $0 : nil }

        if let creationTime, let principal {
            scratch.append(contentsOf: principal)
            scratch.append(0x40)
            Timestamp.appendISO(creationTime, to: &scratch)
            return finish()
        }
        if let (p, n) = key, let principal {
            scratch.append(contentsOf: principal)
            scratch.append(contentsOf: Array("|key:".utf8))
            scratch.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
            if p[1] == 0x53 {  // ASIA without a creation date: bound the guess to an hour
                scratch.append(contentsOf: Array("|win:".utf8))
                Timestamp.appendISO(eventTime - ((eventTime % 3600) + 3600) % 3600, to: &scratch)
            }
            return finish()
        }
        if let principal, equals(.identityType, "AssumedRole") || equals(.identityType, "FederatedUser") {
            // A role session seen without creationDate or key (e.g. the SwitchRole record itself).
            scratch.append(contentsOf: principal)
            scratch.append(contentsOf: Array("|win:".utf8))
            Timestamp.appendISO(eventTime - ((eventTime % 3600) + 3600) % 3600, to: &scratch)
            return finish()
        }
        func prefixed(_ prefix: String, _ parts: [[UInt8]?]) -> FieldValue {
            guard parts.contains(where: { $0 != nil }) else { return .null }
            scratch.append(contentsOf: Array(prefix.utf8))
            var first = true
            for part in parts {
                guard let part else { continue }
                if !first { scratch.append(0x2F) }
                scratch.append(contentsOf: part)
                first = false
            }
            return finish()
        }
        if equals(.identityType, "AWSService") || (row[EventColumn.identityType.rawValue].kind == .absent && bytes(.invokedBy) != nil) {
            return prefixed("svc:", [string(.invokedBy) ?? string(.principalID)])
        }
        if equals(.identityType, "AWSAccount") { return prefixed("acct:", [string(.identityAccountID), string(.principalID)]) }
        if equals(.identityType, "SAMLUser") { return prefixed("saml:", [string(.principalID) ?? string(.userName)]) }
        if equals(.identityType, "WebIdentityUser") { return prefixed("webid:", [string(.principalID) ?? string(.userName)]) }
        if equals(.identityType, "IdentityCenterUser") {
            return prefixed("idc:", [string(.onBehalfOfUserID) ?? string(.credentialID) ?? string(.userName)])
        }
        if equals(.identityType, "IAMUser") { return prefixed("user:", [string(.identityARN) ?? principal]) }
        if equals(.identityType, "Root") { return prefixed("root:", [string(.identityAccountID) ?? principal]) }
        if let principal {
            scratch.append(contentsOf: Array("unknown:".utf8))
            scratch.append(contentsOf: principal)
            return finish()
        }
        if row[EventColumn.identityType.rawValue].isPresent { return prefixed("unknown:", [string(.userName) ?? string(.identityType)]) }
        return .null
    }
}
