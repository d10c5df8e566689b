using System.Globalization;
using System.Text;

namespace Chat.Api.Messaging;

/// <summary>
/// The words search matches, folded the same way for what is stored and what is asked: lower
/// case, accents removed (é → e, ß stays), split on anything that is not a letter or digit.
/// "Every word of q appears" is then an equality match on an indexed array, the same on MongoDB
/// and on the stand-in, whatever the language.
/// </summary>
public static class SearchWords
{
    /// <summary>Words kept per message: enough for any text within the length limit.</summary>
    public const int MaxWords = 1000;

    public static string[]? Of(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var words = Split(text).Distinct().Take(MaxWords).ToArray();
        return words.Length == 0 ? null : words;
    }

    public static IEnumerable<string> Split(string text)
    {
        var word = new StringBuilder();
        foreach (var c in Fold(text))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }
        if (word.Length > 0) yield return word.ToString();
    }

    private static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) folded.Append(char.ToLowerInvariant(c));
        }
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }
}
