/// Character classes the analyzer needs, by code point.
public enum Script {
    /// Han ideographs (CJK Unified Ideographs and extensions, compatibility ideographs, radicals,
    /// iteration marks). Pinyin annotations are only stripped after one of these.
    @inline(__always)
    public static func isHan(_ c: UInt32) -> Bool {
        switch c {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x3134F, 0xF900...0xFAFF,
             0x2E80...0x2FDF, 0x3005...0x3007, 0x3021...0x3029, 0x3038...0x303B:
            return true
        default:
            return false
        }
    }

    /// Lowercase letters of Hanyu Pinyin, including ü and the tone-marked vowels.
    @inline(__always)
    static func isPinyinLetter(_ c: UInt16) -> Bool {
        if c >= 0x61 && c <= 0x7A { return true }  // a-z
        return toneMarked.contains(c) || c == 0xFC  // ü
    }

    /// Tone-marked vowels: āáǎà ēéěè īíǐì ōóǒò ūúǔù ǖǘǚǜ (and ńňǹḿ for the rare syllabic nasals).
    static let toneMarked: Set<UInt16> = [
        0x101, 0xE1, 0x1CE, 0xE0, 0x113, 0xE9, 0x11B, 0xE8, 0x12B, 0xED, 0x1D0, 0xEC,
        0x14D, 0xF3, 0x1D2, 0xF2, 0x16B, 0xFA, 0x1D4, 0xF9, 0x1D6, 0x1D8, 0x1DA, 0x1DC,
        0x144, 0x148, 0x1F9, 0x1E3F,
    ]
}
