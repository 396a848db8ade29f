/// The typed columns of the `events` table, in storage order.
///
/// One enum drives the schema, the normaliser and the insert statement, so a column cannot be
/// added to one and forgotten in another. Names follow the Athena CloudTrail table in snake_case.
public enum EventColumn: Int, CaseIterable, Sendable {
    // Top-level record fields.
    case eventID, eventTime, eventVersion, eventSource, eventName, awsRegion, sourceIPAddress, userAgent
    case errorCode, errorMessage, requestID, eventType, apiVersion, readOnly, managementEvent
    case recipientAccountID, sharedEventID, vpcEndpointID, vpcEndpointAccountID, eventCategory
    case sessionCredentialFromConsole, annotation
    // userIdentity, flattened.
    case identityType, principalID, identityARN, identityAccountID, accessKeyID, userName, invokedBy
    case identityProvider, credentialID
    case sessionIssuerType, sessionIssuerPrincipalID, sessionIssuerARN, sessionIssuerAccountID, sessionIssuerUserName
    case sessionCreationDate, sessionMFAAuthenticated, sourceIdentity, ec2RoleDelivery, assumedRoot, signInSessionARN
    case webIDFederatedProvider, onBehalfOfUserID, inScopeOfIssuedTo
    /// The credential session: the normaliser derives its key (see `SessionKey`), the writer
    /// stores the id of that key's row in `sessions`; the attribution pass may re-point a few events.
    case sessionID
    // Kept verbatim as JSON text.
    case userIdentity, webIDFederationData, onBehalfOf, inScopeOf, invokedByDelegate
    case requestParameters, responseElements, additionalEventData, serviceEventDetails, tlsDetails
    case addendum, edgeDeviceDetails, eventContext, insightDetails
    /// Members this version of trail does not know, as a JSON object, so nothing is dropped.
    case extra

    public static let count = allCases.count

    public var name: String {
        switch self {
        case .eventID: return "event_id"
        case .eventTime: return "event_time"
        case .eventVersion: return "event_version"
        case .eventSource: return "event_source"
        case .eventName: return "event_name"
        case .awsRegion: return "aws_region"
        case .sourceIPAddress: return "source_ip_address"
        case .userAgent: return "user_agent"
        case .errorCode: return "error_code"
        case .errorMessage: return "error_message"
        case .requestID: return "request_id"
        case .eventType: return "event_type"
        case .apiVersion: return "api_version"
        case .readOnly: return "read_only"
        case .managementEvent: return "management_event"
        case .recipientAccountID: return "recipient_account_id"
        case .sharedEventID: return "shared_event_id"
        case .vpcEndpointID: return "vpc_endpoint_id"
        case .vpcEndpointAccountID: return "vpc_endpoint_account_id"
        case .eventCategory: return "event_category"
        case .sessionCredentialFromConsole: return "session_credential_from_console"
        case .annotation: return "annotation"
        case .identityType: return "identity_type"
        case .principalID: return "principal_id"
        case .identityARN: return "identity_arn"
        case .identityAccountID: return "identity_account_id"
        case .accessKeyID: return "access_key_id"
        case .userName: return "user_name"
        case .invokedBy: return "invoked_by"
        case .identityProvider: return "identity_provider"
        case .credentialID: return "credential_id"
        case .sessionIssuerType: return "session_issuer_type"
        case .sessionIssuerPrincipalID: return "session_issuer_principal_id"
        case .sessionIssuerARN: return "session_issuer_arn"
        case .sessionIssuerAccountID: return "session_issuer_account_id"
        case .sessionIssuerUserName: return "session_issuer_user_name"
        case .sessionCreationDate: return "session_creation_date"
        case .sessionMFAAuthenticated: return "session_mfa_authenticated"
        case .sourceIdentity: return "source_identity"
        case .ec2RoleDelivery: return "ec2_role_delivery"
        case .assumedRoot: return "assumed_root"
        case .signInSessionARN: return "sign_in_session_arn"
        case .webIDFederatedProvider: return "web_id_federated_provider"
        case .onBehalfOfUserID: return "on_behalf_of_user_id"
        case .inScopeOfIssuedTo: return "in_scope_of_issued_to"
        case .sessionID: return "session_id"
        case .userIdentity: return "user_identity"
        case .webIDFederationData: return "web_id_federation_data"
        case .onBehalfOf: return "on_behalf_of"
        case .inScopeOf: return "in_scope_of"
        case .invokedByDelegate: return "invoked_by_delegate"
        case .requestParameters: return "request_parameters"
        case .responseElements: return "response_elements"
        case .additionalEventData: return "additional_event_data"
        case .serviceEventDetails: return "service_event_details"
        case .tlsDetails: return "tls_details"
        case .addendum: return "addendum"
        case .edgeDeviceDetails: return "edge_device_details"
        case .eventContext: return "event_context"
        case .insightDetails: return "insight_details"
        case .extra: return "extra"
        }
    }

    /// Boolean columns store 1/0 when the record holds a JSON boolean (or "true"/"false").
    public var isBoolean: Bool { self == .readOnly || self == .managementEvent }

    /// Columns whose value is stored as the record's JSON text, whatever its type.
    public var isVerbatimJSON: Bool { rawValue >= EventColumn.userIdentity.rawValue }

    /// Where the store keeps a column. The `events` view shows every column under its name,
    /// whichever the place; `event_rows` holds only what the queries filter, group and index on.
    public enum Storage: Sendable, Equatable {
        /// A column of `event_rows`.
        case row
        /// In `event_rows` as an id into `interned_text` (texts that repeat from event to event).
        case interned
        /// In `identities`, one row per distinct `userIdentity` object, found through the
        /// event's `user_identity_ref`: every event of a session carries the same identity.
        case identity
        /// Read from the stored record itself (`trail_field` / `trail_value` at `recordPath`).
        case record
        /// In `event_rows` for the identity calls (`Schema.identityCalls`: those that issue
        /// credentials, which the attribution reads on every run, and the IAM changes, which
        /// the change audits list); read from the record for every other event.
        case rowForIdentityCalls
    }

    public var storage: Storage {
        switch self {
        case .userAgent, .userIdentity: return .interned
        // Kept in the row as well: indexes and roll-ups group by them.
        case .identityAccountID, .accessKeyID: return .row
        case .requestParameters, .responseElements, .additionalEventData, .serviceEventDetails: return .rowForIdentityCalls
        case .eventVersion, .requestID, .apiVersion, .vpcEndpointID, .vpcEndpointAccountID, .eventCategory,
             .sessionCredentialFromConsole, .annotation, .tlsDetails, .addendum, .edgeDeviceDetails, .eventContext, .insightDetails:
            return .record
        default:
            let identity = (EventColumn.identityType.rawValue...EventColumn.inScopeOfIssuedTo.rawValue).contains(rawValue)
                || [.webIDFederationData, .onBehalfOf, .inScopeOf, .invokedByDelegate].contains(self)
            return identity ? .identity : .row
        }
    }

    /// Where a column read from the record lies in it, as lowercase member names from the top,
    /// matched as the normaliser matches keys (case-insensitively, the last occurrence winning).
    public var recordPath: String? {
        switch self {
        case .eventVersion: return "eventversion"
        case .requestID: return "requestid"
        case .apiVersion: return "apiversion"
        case .vpcEndpointID: return "vpcendpointid"
        case .vpcEndpointAccountID: return "vpcendpointaccountid"
        case .eventCategory: return "eventcategory"
        case .sessionCredentialFromConsole: return "sessioncredentialfromconsole"
        case .annotation: return "annotation"
        case .requestParameters: return "requestparameters"
        case .responseElements: return "responseelements"
        case .additionalEventData: return "additionaleventdata"
        case .serviceEventDetails: return "serviceeventdetails"
        case .tlsDetails: return "tlsdetails"
        case .addendum: return "addendum"
        case .edgeDeviceDetails: return "edgedevicedetails"
        case .eventContext: return "eventcontext"
        case .insightDetails: return "insightdetails"
        default: return nil
        }
    }

    /// Fields flattened from `userIdentity`: `identities` has them all (the account and key
    /// are also in the row).
    public var isIdentityField: Bool { storage == .identity || self == .identityAccountID || self == .accessKeyID }

    /// Columns `event_rows` has.
    public var isStored: Bool { storage == .row || storage == .interned || storage == .rowForIdentityCalls }

    /// Stored columns that repeat from event to event (user agents, identities): `event_rows`
    /// stores an id into `interned_text`, and the `events` view shows the text.
    public var isInterned: Bool { storage == .interned }

    /// The column's name in `event_rows`.
    public var storageName: String { isInterned ? name + "_ref" : name }
}
