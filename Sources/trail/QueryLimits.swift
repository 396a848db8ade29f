import ArgumentParser
import Dispatch
import Foundation
import TrailCore

/// `--timeout` and `--max-memory`, and Ctrl-C, for every command that runs queries.
struct QueryLimitOptions: ParsableArguments {
    static let defaultTimeout = 60.0
    static let defaultMaxMemory = 2048

    @Option(help: ArgumentHelp("Stop a statement that runs longer than this many seconds, 0 for no limit (exit 7).", valueName: "seconds"))
    var timeout: Double = QueryLimitOptions.defaultTimeout

    @Option(name: .customLong("max-memory"),
            help: ArgumentHelp("Stop a query whose SQLite memory grows past this many MB, 0 for no limit (exit 7).", valueName: "mb"))
    var maxMemory: Int = QueryLimitOptions.defaultMaxMemory

    func validate() throws {
        if !(timeout >= 0) || !timeout.isFinite { throw ValidationError("--timeout must be 0 or more seconds") }
        if maxMemory < 0 { throw ValidationError("--max-memory must be 0 or more") }
    }

    /// Sets the memory limit and starts listening for Ctrl-C; `attach` the database once open.
    func start() -> QueryInterruption {
        if maxMemory > 0 { QueryRunner.limitMemory(megabytes: maxMemory) }
        return QueryInterruption(StatementGuard(timeout: timeout))
    }
}

/// Ctrl-C during a query: SIGINT is taken from its default action (which would kill the process
/// wherever it is, mid-write) and handled on a dispatch queue, which interrupts the running
/// statement; the command then ends with one line and exit 130. Should the main thread not get
/// there (blocked writing to a reader that does not read), the process ends from here shortly after.
final class QueryInterruption: @unchecked Sendable {
    let statementGuard: StatementGuard
    private let lock = NSLock()
    private var database: Database?
    private var source: DispatchSourceSignal?

    init(_ statementGuard: StatementGuard) {
        self.statementGuard = statementGuard
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [self] in interrupted() }
        source.resume()
        self.source = source
    }

    /// Puts `database` under the guard: its statements stop on the timeout or on Ctrl-C.
    func attach(_ database: Database) {
        database.install(statementGuard)
        lock.lock()
        self.database = database
        lock.unlock()
        if statementGuard.isCancelled { database.interrupt() }
    }

    private func interrupted() {
        statementGuard.cancel()
        lock.lock()
        let database = self.database
        lock.unlock()
        database?.interrupt()
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { [statementGuard] in
            guard statementGuard.claimExit() else { return }
            StandardStreams.writeMessage(QueryStopped(reason: .interrupted).description)
            _exit(ExitStatus.interrupted.rawValue)
        }
    }

    /// For the command's error path: after a Ctrl-C, whatever the error, exit 130 with one line.
    func failure(_ error: Error) -> ExitCode {
        guard statementGuard.isCancelled else { return fail(error) }
        // The fallback exit is already saying it; wait for it.
        guard statementGuard.claimExit() else { while true { pause() } }
        return fail(QueryStopped(reason: .interrupted))
    }
}
