using System.Globalization;
using System.Text;

namespace Chat.Api.Messaging;

/// <summary>What counts as one emoji for a reaction: a single grapheme (ZWJ families, flags, skin tones and keycaps included) that is an emoji.</summary>
public static class Emoji
{
    /// <summary>UTF-16 code units: the longest standard sequences (families with skin tones) fit.</summary>
    public const int MaxLength = 32;

    public static bool IsSingle(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength) return false;
        if (StringInfo.GetNextTextElementLength(text) != text.Length) return false;
        var first = Rune.GetRuneAt(text, 0).Value;
        // A keycap: a digit, # or * followed by U+20E3.
        if (first is '#' or '*' or (>= '0' and <= '9')) return text.Contains('\u20E3', StringComparison.Ordinal);
        return first is (>= 0x1F000 and <= 0x1FAFF) // pictographs, emoticons, transport, flags' regional indicators...
            or (>= 0x2600 and <= 0x27BF)             // symbols and dingbats (☀, ❤, ✅)
            or (>= 0x2300 and <= 0x23FF)             // ⌚, ⏰
            or (>= 0x2B00 and <= 0x2BFF)             // ⭐, ⬆
            or (>= 0x2190 and <= 0x21FF)             // arrows
            or 0x00A9 or 0x00AE or 0x203C or 0x2049 or 0x2122 or 0x2139 or 0x3030 or 0x303D or 0x3297 or 0x3299;
    }
}
