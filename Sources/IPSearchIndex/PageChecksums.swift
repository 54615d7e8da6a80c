import CICU
#if canImport(Glibc)
import Glibc
#endif

/// Integrity of the postings and positions files without reading whole lists: the body of a `.post`
/// or `.pos` file is its data followed by one CRC-32 for every `pageSize` bytes of data, then the data
/// length (`u64`). A reader checks the pages a decode touches, as it touches them, so a damaged byte
/// anywhere in the data becomes an `IndexError` the first time a query reads it, and a query reads
/// (and checks) only the pages of the blocks it decodes. A page found good is remembered for as long
/// as the file is open (`VerifiedPages`): mapped segment files never change, so warm queries check
/// nothing again.
enum PageChecksums {
    static let pageSize = 1024
    static let pageShift = 10

    /// Streams data into a `FileWriter`, keeping one running CRC per page; `finish` appends the table.
    final class Writer {
        let file: FileWriter
        private(set) var dataLength = 0
        private var pageCRC: UInt32 = 0
        private var table: [UInt8] = []

        init(_ file: FileWriter) { self.file = file }

        func append(_ bytes: [UInt8]) throws(IndexError) {
            bytes.withUnsafeBytes { sum($0) }
            try file.append(bytes)
        }

        private func sum(_ bytes: UnsafeRawBufferPointer) {
            var done = 0
            while done < bytes.count {
                let room = pageSize - (dataLength & (pageSize - 1))
                let n = min(room, bytes.count - done)
                pageCRC = cicu_crc32(pageCRC, bytes.baseAddress! + done, n)
                done += n
                dataLength += n
                if dataLength & (pageSize - 1) == 0 {
                    table.appendLE(pageCRC)
                    pageCRC = 0
                }
            }
        }

        /// Appends the checksum table and the data length, then finishes the file.
        func finish() throws(IndexError) {
            if dataLength & (pageSize - 1) != 0 { table.appendLE(pageCRC) }
            table.appendLE(UInt64(dataLength))
            try file.append(table)
            try file.finish()
        }
    }

    /// The checked view of a mapped file's data.
    struct Reader: @unchecked Sendable {
        /// File offset of the first data byte.
        let start: Int
        /// Bytes of data.
        let length: Int
        let base: UnsafeRawPointer
        let table: UnsafeRawPointer
        let path: String
        let verifiedPages: VerifiedPages

        init(_ file: MappedFile) throws(IndexError) {
            let body = file.bodyRange
            path = file.path
            guard let base = file.bytes.baseAddress, body.count >= 8 else {
                throw IndexError.corrupt(path: file.path, reason: "too short for its checksum table")
            }
            let n = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: body.upperBound - 8, as: UInt64.self))
            guard n <= UInt64(body.count) else { throw IndexError.corrupt(path: file.path, reason: "data length out of range") }
            let pages = (Int(n) + pageSize - 1) >> pageShift
            guard Int(n) + pages * 4 + 8 == body.count else {
                throw IndexError.corrupt(path: file.path, reason: "data length does not match the checksum table")
            }
            self.base = base
            start = body.lowerBound
            length = Int(n)
            table = base + start + length
            verifiedPages = VerifiedPages(count: pages)
        }

        /// Checks the pages covering data bytes `range` (offsets from `start`), skipping those in
        /// `verified` (a range of page numbers), and returns the page range now known good.
        @inline(__always)
        func check(_ range: Range<Int>, verified: Range<Int>) throws(IndexError) -> Range<Int> {
            guard range.lowerBound >= 0, range.upperBound <= length else {
                throw IndexError.corrupt(path: path, reason: "postings range out of bounds")
            }
            if range.isEmpty { return verified }
            let first = range.lowerBound >> pageShift, last = (range.upperBound - 1) >> pageShift
            if first >= verified.lowerBound && last < verified.upperBound { return verified }
            for page in first...last where !verified.contains(page) && !verifiedPages.contains(page) {
                let from = page << pageShift
                let count = min(pageSize, length - from)
                let expected = UInt32(littleEndian: table.loadUnaligned(fromByteOffset: page * 4, as: UInt32.self))
                if cicu_crc32(0, base + start + from, count) != expected {
                    throw IndexError.corrupt(path: path, reason: "a postings page fails its checksum")
                }
                verifiedPages.insert(page)
            }
            // Keep one contiguous run of verified pages (reads move forward).
            if verified.upperBound >= first && verified.lowerBound <= last + 1 && !verified.isEmpty {
                return min(first, verified.lowerBound)..<max(last + 1, verified.upperBound)
            }
            return first..<(last + 1)
        }

        /// Pointer to data byte `offset`.
        @inline(__always)
        func pointer(_ offset: Int) -> UnsafeRawPointer { base + start + offset }

        /// Checks every page (`stats --check` and merges do it through the whole-file CRC instead).
        func checkAll() throws(IndexError) {
            _ = try check(0..<length, verified: 0..<0)
        }
    }

    /// Pages of one open file found good, shared by every query and thread (atomic bits: two
    /// threads may both check a page before either records it, which costs a CRC, not a wrong answer).
    final class VerifiedPages: @unchecked Sendable {
        private let words: UnsafeMutablePointer<UInt64>
        private let count: Int

        /// Zeroed pages from `calloc` cost nothing until a bit on them is set: opening a file
        /// touches none.
        init(count: Int) {
            self.count = count
            let n = max(1, (count + 63) / 64)
            if let zeroed = calloc(n, MemoryLayout<UInt64>.stride) {
                words = zeroed.bindMemory(to: UInt64.self, capacity: n)
            } else {
                let raw = UnsafeMutableRawPointer.allocate(byteCount: n * 8, alignment: 8)
                raw.initializeMemory(as: UInt64.self, repeating: 0, count: n)
                words = raw.bindMemory(to: UInt64.self, capacity: n)
            }
        }

        deinit { free(words) }

        @inline(__always)
        func contains(_ page: Int) -> Bool { cicu_bit_test(words, page) != 0 }

        @inline(__always)
        func insert(_ page: Int) { cicu_bit_set(words, page) }
    }
}
