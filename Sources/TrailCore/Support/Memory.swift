/// Returns freed heap memory to the operating system (glibc's malloc_trim, which Swift's Glibc
/// module does not export). Parser threads free large buffers into their own malloc arenas;
/// without this the process keeps them resident for the rest of the run.
enum Memory {
    static func releaseFreed() {
        #if os(Linux)
        _ = trail_malloc_trim(0)
        #endif
    }
}

#if os(Linux)
@_silgen_name("malloc_trim")
private func trail_malloc_trim(_ pad: Int) -> Int32
#endif
