import Foundation

/// Latency of trail's investigation commands and shipped named queries on the benchmark
/// database. The query layer is written concurrently with this tool, so the commands are
/// discovered at run time (`trail --help`, `trail query --list --format json`) and anything
/// missing is reported as skipped rather than failing the benchmark.
struct QueryBench {
    struct Result {
        var name: String
        var example: String
        var samples: [Double] = []
        var note: String = ""
        var notFound = 0

        var p50: Double { Stats.percentile(samples, 50) }
        var p95: Double { Stats.percentile(samples, 95) }
    }

    let trail: String
    let database: String
    let work: String
    let runs: Int
    let arguments: QueryArguments
    let manifest: CorpusManifest?

    /// Exit codes that mean the command ran: 0 ok, 1 findings, 5 not found.
    private static let ranFine: Set<Int32> = [0, 1, 5]

    static func subcommands(trail: String, work: String) -> Set<String> {
        guard let help = try? ProcessRunner.run([trail, "--help"], stdout: "\(work)/help.txt") else { return [] }
        var names = Set<String>()
        var inSection = false
        for line in help.stdoutText().split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") { inSection = true; continue }
            guard inSection else { continue }
            if !line.isEmpty && !line.hasPrefix(" ") { break }
            // "  name    abstract" — the name starts after exactly two spaces; wrapped abstract
            // lines are indented further.
            if line.hasPrefix("  ") && !line.hasPrefix("   "), let word = line.split(separator: " ").first {
                names.insert(String(word))
            }
        }
        return names
    }

    func run(log: (String) -> Void) -> [Result] {
        let available = Self.subcommands(trail: trail, work: work)
        var results: [Result] = []
        let investigations: [(String, QuerySamples.Kind)] = [("who", .roleName), ("did", .userARN), ("session", .session),
                                                             ("key", .accessKey), ("explain", .event)]
        for (command, kind) in investigations {
            guard available.contains(command) else {
                results.append(Result(name: "trail \(command)", example: "", note: "skipped: no `\(command)` command in this trail build"))
                continue
            }
            guard arguments.value(kind, 0) != nil else {
                results.append(Result(name: "trail \(command)", example: "", note: "skipped: no \(kind.rawValue) values in query-args.tsv"))
                continue
            }
            results.append(measure(name: "trail \(command)") { i in
                // `did` takes any origin: alternate IAM users with SAML/OIDC subjects, SSO users,
                // instance ids and function names.
                let value = command == "did" ? arguments.guess(parameter: "identity", index: i, manifest: manifest)
                                             : arguments.value(kind, i)
                return [trail, command, "--db", database, value ?? ""]
            })
            log("  \(results[results.count - 1].line)")
        }
        if available.contains("query") {
            for named in namedQueries(log: log) {
                results.append(named)
                log("  \(named.line)")
            }
        } else {
            results.append(Result(name: "trail query", example: "", note: "skipped: no `query` command in this trail build"))
        }
        return results
    }

    /// Times `runs` executions after one untimed warm-up (which also checks the command works
    /// and warms the page cache, as a second investigation query would find it).
    private func measure(name: String, argv: (Int) -> [String]) -> Result {
        let first = argv(0)
        var result = Result(name: name, example: first.dropFirst().filter { $0 != "--db" && $0 != database }.joined(separator: " "))
        let out = "\(work)/query-warmup.out", err = "\(work)/query-warmup.err"
        guard let warm = try? ProcessRunner.run(first, stdout: out, stderr: err) else {
            result.note = "failed to start"
            return result
        }
        guard warm.signal == nil, Self.ranFine.contains(warm.exitCode) else {
            result.note = "failed (\(warm.statusText)): \(warm.stderrTail(1))"
            return result
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
        for i in 0..<runs {
            guard let r = try? ProcessRunner.run(argv(i)) else { continue }
            if r.signal != nil || !Self.ranFine.contains(r.exitCode) {
                result.note = "run \(i) failed (\(r.statusText))"
                continue
            }
            if r.exitCode == 5 { result.notFound += 1 }
            result.samples.append(r.wallSeconds)
        }
        if result.note.isEmpty {
            result.note = "first output \(bytes) bytes" + (result.notFound > 0 ? "; \(result.notFound)/\(runs) not found" : "")
        }
        return result
    }

    private struct NamedQuery {
        var name: String
        var parameters: [(name: String, required: Bool)]
        /// The listing gave a usage string, so the syntax is known: `--name value`.
        var usageString: Bool
    }

    private func namedQueries(log: (String) -> Void) -> [Result] {
        guard let listing = try? ProcessRunner.run([trail, "query", "--list", "--format", "json", "--db", database],
                                                   stdout: "\(work)/query-list.json", stderr: "\(work)/query-list.err"),
              listing.succeeded else {
            return [Result(name: "trail query --list", example: "", note: "skipped: `trail query --list --format json` did not succeed")]
        }
        let queries = Self.parseListing(listing.stdoutText())
        if queries.isEmpty {
            return [Result(name: "trail query --list", example: "", note: "skipped: no named queries listed (or unreadable JSON)")]
        }
        var results: [Result] = []
        for q in queries {
            var missing: [String] = []
            var parameterValues: [(String, (Int) -> String)] = []
            // Required parameters get sampled values; a time window is always given so that
            // queries defaulting to "the last 7 days" look at the corpus's days, not today's.
            for p in q.parameters where p.required || p.name == "since" || p.name == "until" {
                if arguments.guess(parameter: p.name, index: 0, manifest: manifest) != nil {
                    let name = p.name
                    parameterValues.append((name, { i in arguments.guess(parameter: name, index: i, manifest: manifest) ?? "" }))
                } else if p.required {
                    missing.append(p.name)
                }
            }
            if !missing.isEmpty {
                results.append(Result(name: "query \(q.name)", example: "", note: "skipped: no value for parameter(s) \(missing.joined(separator: ", "))"))
                continue
            }
            // The parameter syntax is not fixed yet: try the common spellings, keep the first that runs.
            let styles: [(Int) -> [String]] = [
                { i in parameterValues.flatMap { ["--param", "\($0.0)=\($0.1(i))"] } },
                { i in parameterValues.flatMap { ["--\($0.0)", $0.1(i)] } },
                { i in parameterValues.map { "\($0.0)=\($0.1(i))" } },
            ]
            var measured: Result?
            for style in (parameterValues.isEmpty ? [styles[0]] : (q.usageString ? [styles[1]] : styles)) {
                let attempt = measure(name: "query \(q.name)") { i in [trail, "query", "--db", database, q.name] + style(i) }
                if !attempt.samples.isEmpty { measured = attempt; break }
                if measured == nil { measured = attempt }
            }
            if let measured { results.append(measured) }
        }
        return results
    }

    /// Accepts `[ "name", … ]`, `{"queries": [...]}` or objects with `name` and `parameters`,
    /// where parameters are a usage string (`--role <pattern> [--since <time>]`: bracketed ones
    /// are optional) or a list of names / objects with `name`, `required`, `default`.
    private static func parseListing(_ text: String) -> [NamedQuery] {
        guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return [] }
        let entries: [Any] = (json as? [Any]) ?? ((json as? [String: Any])?["queries"] as? [Any]) ?? []
        var out: [NamedQuery] = []
        for entry in entries {
            if let name = entry as? String {
                out.append(NamedQuery(name: name, parameters: [], usageString: false))
                continue
            }
            guard let object = entry as? [String: Any], let name = object["name"] as? String else { continue }
            let rawParameters = object["parameters"] ?? object["params"] ?? object["arguments"]
            if let usage = rawParameters as? String {
                out.append(NamedQuery(name: name, parameters: parseUsage(usage), usageString: true))
                continue
            }
            var parameters: [(name: String, required: Bool)] = []
            for p in rawParameters as? [Any] ?? [] {
                if let pname = p as? String {
                    parameters.append((pname, true))
                } else if let pobject = p as? [String: Any], let pname = pobject["name"] as? String {
                    let hasDefault = pobject["default"].map { !($0 is NSNull) } ?? false
                    let required = (pobject["required"] as? Bool) ?? !hasDefault
                    parameters.append((pname, required))
                }
            }
            out.append(NamedQuery(name: name, parameters: parameters, usageString: false))
        }
        return out
    }

    /// `--identity <pattern> [--since <time>]` → [(identity, required), (since, optional)].
    static func parseUsage(_ usage: String) -> [(name: String, required: Bool)] {
        var result: [(name: String, required: Bool)] = []
        var depth = 0
        for token in usage.replacingOccurrences(of: "[", with: " [ ").replacingOccurrences(of: "]", with: " ] ").split(separator: " ") {
            if token == "[" { depth += 1; continue }
            if token == "]" { depth = max(0, depth - 1); continue }
            if token.hasPrefix("--") { result.append((String(token.dropFirst(2)), depth == 0)) }
        }
        return result
    }
}

extension QueryBench.Result {
    var line: String {
        samples.isEmpty ? "\(name): \(note)"
            : "\(name) (\(example)): p50 \(Units.milliseconds(p50)), p95 \(Units.milliseconds(p95)) over \(samples.count) runs; \(note)"
    }
}
