#!/usr/bin/env python3
"""Generates ../PinyinTableData.swift: the pinyin readings ipsearch uses for pinyin queries and
"did you mean" suggestions.

Data sources (development time only; nothing is downloaded at run time):
  - pypinyin (https://github.com/mozillazg/python-pinyin, MIT licence). Its single-character
    readings come from mozillazg/pinyin-data (MIT; compiled from the Unicode Unihan database,
    Unicode licence), its phrase readings from mozillazg/phrase-pinyin-data (MIT; compiled from
    zdic.net, CC-CEDICT and hand corrections).
  - jieba's dict.txt (https://github.com/fxsjy/jieba, MIT licence): word frequencies, only used to
    order the characters of each syllable from common to rare.

Output format (one string literal each, parsed lazily at first use):
  syllables: one line per toned syllable, `hang2 行航杭...|绗...`: characters with that reading,
             most frequent first (frequency of the character *with this reading* in jieba's words,
             read with pypinyin's phrase-aware conversion); the characters after `|` have the reading
             only in dictionaries (never in a frequent word). Tone 5 is the neutral tone; ü is `v`.
  toneless:  `hang 行航杭...`: per toneless syllable, the characters seen with it, most frequent first.
  initials:  `z 在中这...`: per first letter (z covers z and zh, c ch, s sh), the INITIAL_CHARS most
             frequent characters whose syllable starts with it.
  defaults:  `行xing2长zhang3...`: the most frequent reading of each character read more than one
             way in jieba's words (others: the reading whose line lists them first).
  phrases:   `银行 yin2 hang2` lines: 2–3 character words of jieba's dictionary (frequency ≥ MIN_PHRASE_FREQ)
             whose pypinyin reading differs from the per-character default (each character's most
             frequent reading), i.e. the polyphones read in context (银行 háng, 长期 cháng, 会计 kuài).

Usage: pip install pypinyin jieba && python3 make_pinyin_table.py   (takes about a minute)
"""
import collections, os, re, sys

import jieba
import pypinyin
from pypinyin import Style, pinyin
from pypinyin.contrib.tone_convert import to_tone3
from pypinyin.pinyin_dict import pinyin_dict

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "PinyinTableData.swift")
MIN_PHRASE_FREQ = 20
INITIAL_CHARS = 200
SYLLABLE = re.compile(r"^[a-z]+[1-5]$")


def in_range(cp):
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF


def initial_of(syllable):
    """z, c, s also stand for zh, ch, sh: abbreviations like zscq (知识产权) are typed that way."""
    return syllable[0]


def tone3(mark):
    s = to_tone3(mark, neutral_tone_with_five=True)
    s = s.replace("ü", "v")
    return s if SYLLABLE.match(s) else None


def main():
    # Documents and queries are folded Traditional→Simplified before indexing (ICU's transform, the
    # table in Sources/CICU/t2s_table.h): a Traditional character never reaches the index, so its
    # readings are given to the character it folds to (乾 qián → 干 keeps 乾隆 findable as qianlong).
    t2s = {}
    with open(os.path.join(HERE, "..", "..", "..", "CICU", "t2s_table.h"), encoding="utf-8") as fh:
        for a, b in re.findall(r"\{0x([0-9A-F]+), 0x([0-9A-F]+)\}", fh.read()):
            t2s[int(a, 16)] = int(b, 16)
    marks_of = collections.defaultdict(list)
    for cp, marks in sorted(pinyin_dict.items()):
        target = t2s.get(cp, cp)
        if in_range(cp) and in_range(target):
            marks_of[target].append((cp, marks))

    words = []
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and all(in_range(ord(c)) for c in parts[0]):
                words.append((parts[0], int(parts[1])))

    # Frequency of each (character, reading) in jieba's words, read in context by pypinyin.
    weight = collections.defaultdict(collections.Counter)
    word_reading = {}
    for word, freq in words:
        r = [x[0] for x in pinyin(word, style=Style.TONE3, heteronym=False, neutral_tone_with_five=True)]
        r = [x.replace("ü", "v") for x in r]
        if len(r) != len(word) or not all(SYLLABLE.match(x) for x in r):
            continue
        folded = "".join(chr(t2s.get(ord(c), ord(c))) for c in word)
        if folded not in word_reading or word_reading[folded][1] < freq:
            word_reading[folded] = (r, freq)
        for ch, syl in zip(word, r):
            weight[ch][syl] += freq

    # All dictionary readings of each character, most frequent first.
    readings = {}
    for cp, sources in marks_of.items():
        ch = chr(cp)
        marks = ",".join(m for src, m in sorted(sources, key=lambda x: x[0] != cp))
        for src, _ in sources:
            if src != cp:
                for t, w in weight[chr(src)].items():
                    weight[ch][t] += w
        rs = []
        for m in marks.split(","):
            t = tone3(m)
            if t and t not in rs:
                rs.append(t)
        for t in weight[ch]:  # readings only seen in context (e.g. neutral tones)
            if t not in rs:
                rs.append(t)
        if rs:
            rs.sort(key=lambda t: -weight[ch][t])  # stable: dictionary order among unseen readings
            readings[ch] = rs

    by_syllable = collections.defaultdict(list)
    for ch, rs in readings.items():
        for t in rs:
            by_syllable[t].append(ch)
    lines = []
    for syl in sorted(by_syllable):
        chars = by_syllable[syl]
        common = sorted((c for c in chars if weight[c][syl] > 0), key=lambda c: (-weight[c][syl], c))
        rare = sorted(c for c in chars if weight[c][syl] == 0)
        lines.append(syl + " " + "".join(common) + ("|" + "".join(rare) if rare else ""))

    # Toneless syllables and initials: characters by the summed frequency of the readings they have
    # there, most frequent first (only characters seen in jieba's words; initials keep the first
    # INITIAL_CHARS: enough for abbreviations like zscq, few enough to walk the index quickly).
    toneless = collections.defaultdict(collections.Counter)
    initial = collections.defaultdict(collections.Counter)
    for ch, rs in readings.items():
        for t in rs:
            w = weight[ch][t]
            if w > 0:
                base = t[:-1]
                toneless[base][ch] += w
                initial[initial_of(base)][ch] += w
    toneless_lines = [b + " " + "".join(c for c, _ in sorted(toneless[b].items(), key=lambda x: (-x[1], x[0])))
                      for b in sorted(toneless)]
    initial_lines = [i + " " + "".join(c for c, _ in sorted(initial[i].items(), key=lambda x: (-x[1], x[0]))[:INITIAL_CHARS])
                     for i in sorted(initial)]

    # Default (most frequent) reading of the characters read more than one way in jieba's words.
    defaults = "".join(ch + rs[0] for ch, rs in sorted(readings.items())
                       if sum(1 for t in rs if weight[ch][t] > 0) > 1)

    phrases = []
    for word, (r, freq) in sorted(word_reading.items()):
        if not 2 <= len(word) <= 3 or freq < MIN_PHRASE_FREQ:
            continue
        default = [readings.get(c, [None])[0] for c in word]
        if r != default:
            phrases.append(word + " " + " ".join(r))

    for s in lines + phrases + toneless_lines + initial_lines:
        assert '"""' not in s and "\\" not in s
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("// Generated by tools/make_pinyin_table.py from pypinyin %s (MIT; character readings from\n"
                  "// mozillazg/pinyin-data, MIT, based on Unicode's Unihan database; phrase readings from\n"
                  "// mozillazg/phrase-pinyin-data, MIT) and jieba's word frequencies (MIT). Do not edit.\n"
                  "// Format: see the generator's doc string.\n\n" % pypinyin.__version__)
        out.write("enum PinyinTableData {\n")
        out.write("    /// Toned syllable, space, characters (common first; rare after `|`), one line each.\n")
        out.write('    static let syllables = """\n' + "\n".join(lines) + '\n"""\n\n')
        out.write("    /// Toneless syllable, space, characters seen with it (most frequent first).\n")
        out.write('    static let toneless = """\n' + "\n".join(toneless_lines) + '\n"""\n\n')
        out.write("    /// Initial (z covers z and zh; a, e, o for syllables without one), space, its most frequent characters.\n")
        out.write('    static let initials = """\n' + "\n".join(initial_lines) + '\n"""\n\n')
        out.write("    /// Polyphones and their default (most frequent) reading: `行xing2长zhang3...`.\n")
        out.write('    static let defaults = """\n' + defaults + '\n"""\n\n')
        out.write("    /// Words whose reading differs from their characters' default readings.\n")
        out.write('    static let phrases = """\n' + "\n".join(phrases) + '\n"""\n}\n')
    print("%d syllables, %d characters, %d phrases, %d bytes" % (len(lines), len(readings), len(phrases), os.path.getsize(OUT)))


if __name__ == "__main__":
    sys.exit(main())
