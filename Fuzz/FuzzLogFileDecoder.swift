// libFuzzer entry point over the whole decoding path: gzip detection and inflate, container
// shapes, the JSON scanner, the record normaliser and session keys. Built by scripts/fuzz.sh
// with `swiftc -sanitize=fuzzer` together with TrailCore's sources (not a SwiftPM target, so
// that ordinary builds never need the fuzzer runtime).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogFileDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parsed = LogFileDecoder.decode(bytes)
    // Touch every stored field the way the writer would, so a bad range cannot hide.
    for record in 0..<parsed.recordCount {
        for column in EventColumn.allCases {
            let value = parsed.value(record, column)
            switch value.kind {
            case .text:
                precondition(Int(value.offset) >= 0 && Int(value.offset + value.length) <= parsed.buffer.count, "field outside the buffer")
            case .scratchText:
                precondition(Int(value.offset) >= 0 && Int(value.offset + value.length) <= parsed.scratch.count, "field outside scratch")
            default:
                break
            }
            _ = parsed.string(value)
        }
    }
    for reject in parsed.rejects { _ = parsed.string(reject.raw) }
    _ = Timestamp.parse(String(decoding: bytes.prefix(40), as: UTF8.self))
    _ = Issuance.parseExpiration(String(decoding: bytes.prefix(40), as: UTF8.self))
    return 0
}
