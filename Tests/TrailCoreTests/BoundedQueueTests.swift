import Foundation
import Testing
@testable import TrailCore

@Suite("Bounded queue")
struct BoundedQueueTests {
    @Test("a producer waits while the queued bytes would pass the byte capacity; an oversized item passes alone")
    func byteCapacity() throws {
        let queue = BoundedQueue<Int>(capacity: 10, byteCapacity: 100, producers: 1)
        #expect(queue.push(1, bytes: 60))
        let pushed = DispatchSemaphore(value: 0)
        let flag = Flag()
        Thread {
            queue.push(2, bytes: 60)   // 120 > 100: must wait for the first to be taken
            flag.set()
            queue.push(3, bytes: 500)  // larger than the capacity: accepted once the queue is empty
            queue.producerFinished()
            pushed.signal()
        }.start()
        usleep(50_000)
        #expect(!flag.value, "the second push returned while the queue held 60 of 100 bytes")
        #expect(queue.pop() == 1)
        #expect(queue.pop() == 2)
        #expect(queue.pop() == 3)
        #expect(queue.pop() == nil)
        pushed.wait()
        #expect(flag.value)
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var set_ = false
        func set() { lock.lock(); set_ = true; lock.unlock() }
        var value: Bool { lock.lock(); defer { lock.unlock() }; return set_ }
    }
}
