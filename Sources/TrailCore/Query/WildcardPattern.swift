/// Turns what a user types, where `*` (or SQL's own `%`) means "any run of characters", into
/// LIKE and GLOB patterns whose other characters match only themselves.
///
/// Names and ARNs contain `_` (LIKE's one-character wildcard) and may contain `?` or `[` (GLOB's):
/// those are escaped, so `order_processor` never matches `orderXprocessor`.
public enum WildcardPattern {
    public static func hasWildcard(_ text: String) -> Bool { text.contains("*") || text.contains("%") }

    /// For `LIKE :x ESCAPE '\'`.
    public static func like(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "*", "%": out.append("%")
            case "_": out.append("\\_")
            case "\\": out.append("\\\\")
            default: out.append(c)
            }
        }
        return out
    }

    /// For `GLOB :x` (case-sensitive; an index serves a literal prefix).
    public static func glob(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "*", "%": out.append("*")
            case "?": out.append("[?]")
            case "[": out.append("[[]")
            default: out.append(c)
            }
        }
        return out
    }
}
