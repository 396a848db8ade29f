import Foundation

/// A blocking FIFO with a capacity in items and in bytes: producers wait when it is full,
/// which is what keeps the ingest's memory bounded however many files are waiting and however
/// large they are (a queue of a few thousand-record files would otherwise hold ~100 MB).
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [(element: Element, bytes: Int)?] = []
    private var head = 0
    private let capacity: Int
    private let byteCapacity: Int
    private var bytesQueued = 0
    private var openProducers: Int
    private var cancelled = false

    init(capacity: Int, byteCapacity: Int = Int.max, producers: Int) {
        self.capacity = max(1, capacity)
        self.byteCapacity = byteCapacity
        self.openProducers = producers
    }

    /// Returns false when the queue was cancelled and the item was not accepted. An item larger
    /// than the byte capacity is still accepted when the queue is empty.
    @discardableResult
    func push(_ item: Element, bytes: Int = 0) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && (items.count - head >= capacity || (items.count > head && bytesQueued + bytes > byteCapacity)) {
            condition.wait()
        }
        if cancelled { return false }
        items.append((item, bytes))
        bytesQueued += bytes
        condition.broadcast()
        return true
    }

    /// The next item, or nil once every producer has finished and the queue is drained.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && openProducers > 0 && !cancelled { condition.wait() }
        if head == items.count || cancelled { return nil }
        let item = items[head]
        // Release the slot now: a popped file's buffers must not outlive its write.
        items[head] = nil
        bytesQueued -= item?.bytes ?? 0
        head += 1
        if head >= 64 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item?.element
    }

    func producerFinished() {
        condition.lock()
        openProducers -= 1
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }
}

/// Hands out indexes 0..<count to worker threads.
final class WorkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}
