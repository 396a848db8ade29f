/// Returns freed heap memory to the operating system (glibc's malloc_trim, which Swift's Glibc
/// module does not export). Parser threads free large buffers into their own malloc arenas;
/// without this the process keeps them resident for the rest of the run.
enum Memory {
    static func releaseFreed() {
        #if os(Linux)
        _ = trail_malloc_trim(0)
        #endif
    }

    /// Serves every allocation of 1 MiB or more (an inflated log file, its parse arrays) with
    /// its own mapping, returned to the system when freed. glibc otherwise raises this threshold
    /// each time such a block is freed, after which large file buffers come from the threads'
    /// heaps, fragment them, and keep the process a few hundred MB larger on long runs.
    static func mapLargeAllocations() {
        #if os(Linux)
        _ = trail_mallopt(-3, 1 << 20)  // M_MMAP_THRESHOLD
        #endif
    }
}

#if os(Linux)
@_silgen_name("malloc_trim")
private func trail_malloc_trim(_ pad: Int) -> Int32

@_silgen_name("mallopt")
private func trail_mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
