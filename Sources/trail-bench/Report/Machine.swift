import Foundation
import Glibc

/// What the figures were measured on, printed at the top of every run.
struct Machine {
    var cores: Int
    var cpu: String
    var memoryGiB: Double
    var kernel: String

    static func current() -> Machine {
        var cpu = "unknown CPU"
        if let data = FileManager.default.contents(atPath: "/proc/cpuinfo") {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("model name") {
                if let colon = line.firstIndex(of: ":") {
                    cpu = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                break
            }
        }
        var memory = 0.0
        if let data = FileManager.default.contents(atPath: "/proc/meminfo") {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix("MemTotal:") {
                let kib = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
                memory = kib / 1_048_576
            }
        }
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return Machine(cores: ProcessInfo.processInfo.activeProcessorCount, cpu: cpu, memoryGiB: memory, kernel: "Linux \(release)")
    }

    var line: String { "\(cores) cores, \(cpu), \(Units.fixed(memoryGiB, 1)) GiB RAM, \(kernel)" }

    /// 1-minute load average: other processes competing for the 2 cores skew every figure, so
    /// each run records it at the start and at the end.
    static func loadAverage() -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/loadavg") else { return "?" }
        return String(decoding: data, as: UTF8.self).split(separator: " ").prefix(3).joined(separator: " ")
    }
}
