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

    /// Where a verbatim column's value lies in the record, as lowercase member names from the
    /// top: the `events` view reads it from the stored record (`trail_field`), matched as the
    /// normaliser matches keys (case-insensitively, the last occurrence winning).
    public var recordPath: String? {
        switch self {
        case .userIdentity: return "useridentity"
        case .webIDFederationData: return "useridentity.sessioncontext.webidfederationdata"
        case .onBehalfOf: return "useridentity.onbehalfof"
        case .inScopeOf: return "useridentity.inscopeof"
        case .invokedByDelegate: return "useridentity.invokedbydelegate"
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

    /// Columns `event_rows` stores. The verbatim JSON members are not copied out of the record:
    /// the record itself is kept, as the input's own compressed bytes (`blobs`), and the view
    /// reads them from it. `extra` is stored: it is assembled by trail and almost always NULL.
    public var isStored: Bool { recordPath == nil || isStoredForIssuingCalls }

    /// Members stored for the issuing calls alone (`Schema.issuingCalls`: STS, sign-in and
    /// Identity Center) and NULL in every other row: the attribution reads them from every
    /// such call on each run, which must not inflate inputs.
    public var isStoredForIssuingCalls: Bool {
        self == .requestParameters || self == .responseElements || self == .additionalEventData || self == .serviceEventDetails
    }

    /// Stored columns that repeat from event to event (user agents): `event_rows` stores an id
    /// into `interned_text`, and the `events` view shows the text under the column's usual name.
    public var isInterned: Bool { self == .userAgent }

    /// The column's name in `event_rows`.
    public var storageName: String { isInterned ? name + "_ref" : name }
}
