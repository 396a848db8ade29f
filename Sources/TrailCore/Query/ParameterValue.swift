import Foundation

/// Converts a parameter's text into the typed value bound to its placeholder.
public enum ParameterValue {
    public static func convert(_ text: String, as type: ParameterType, parameter: String, now: Int64) throws -> SQLValue {
        func bad() -> QueryError { .invalidValue(parameter: parameter, value: text, expected: type.expectation) }
        switch type {
        case .text:
            return .text(text)
        case .pattern:
            return .text(WildcardPattern.like(text))
        case .glob:
            return .text(WildcardPattern.glob(text))
        case .int:
            guard let value = Int64(text.trimmingCharacters(in: .whitespaces)) else { throw bad() }
            return .integer(value)
        case .time:
            guard let seconds = TimeExpression.parse(text, now: now) else { throw bad() }
            return .integer(seconds)
        case .bool:
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "yes", "on", "1": return .integer(1)
            case "false", "no", "off", "0": return .integer(0)
            default: throw bad()
            }
        case .service:
            guard let service = ServiceName.normalize(text) else { throw bad() }
            return .text(service)
        }
    }
}

/// CloudTrail's `eventSource` names: `s3.amazonaws.com`. People type `s3`.
public enum ServiceName {
    public static func normalize(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty, !trimmed.contains(" ") else { return nil }
        return trimmed.contains(".") ? trimmed : trimmed + ".amazonaws.com"
    }
}
