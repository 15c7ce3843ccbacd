using System.Text;

namespace Fhir.Search.Queries;

/// <summary>The normal form of strings for the default string search: lower case, accents removed.</summary>
/// <remarks>
/// The server runs with invariant globalization (no ICU), where <see cref="string.Normalize()"/> does not
/// decompose, so accents are folded with a table for the Latin letters U+00C0 to U+0233
/// (Latin-1, Latin Extended-A and B): enough for the names of patients and places in Latin script.
/// </remarks>
public static class SearchText
{
    private const int First = 0x00C0;

    // Generated from Unicode decompositions: the unaccented lower-case form of each letter, or "" to keep it
    // (ligatures such as æ, œ, ĳ and their accented forms are written out).
    private static readonly string[] Folded =
    [
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y", "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d", "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g", "g", "g", "g", "g", "h", "h", "", "", "i", "i", "i", "i", "i", "i", "i", "i", "i", "i", "ij", "ij", "j", "j", "k", "k", "", "l", "l", "l", "l", "l", "l", "", "", "l", "l", "n", "n", "n", "n", "n", "n", "", "", "", "o", "o", "o", "o", "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s", "s", "s", "t", "t", "t", "t", "", "", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "o", "o", "", "", "", "", "", "", "", "", "", "", "", "", "", "u", "u", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "a", "a", "i", "i", "o", "o", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "", "a", "a", "a", "a", "ae", "ae", "", "", "g", "g", "k", "k", "o", "o", "o", "o", "", "", "j", "", "", "", "g", "g", "", "", "n", "n", "a", "a", "ae", "ae", "o", "o", "a", "a", "a", "a", "e", "e", "e", "e", "i", "i", "i", "i", "o", "o", "o", "o", "r", "r", "r", "r", "u", "u", "u", "u", "s", "s", "t", "t", "", "", "h", "h", "", "", "", "", "", "", "a", "a", "e", "e", "o", "o", "o", "o", "o", "o", "o", "o", "y", "y",
    ];

    /// <summary>Normalises <paramref name="text"/> the same way for index values and search values.</summary>
    public static string Normalize(string text)
    {
        var ascii = true;
        foreach (var ch in text)
        {
            if (ch > 0x7f)
            {
                ascii = false;
                break;
            }
        }
        if (ascii)
        {
            return text.ToLowerInvariant();
        }
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            var i = ch - First;
            if (i >= 0 && i < Folded.Length && Folded[i].Length > 0)
            {
                sb.Append(Folded[i]);
            }
            else if (ch is >= '\u0300' and <= '\u036F')
            {
                // a combining accent written separately: dropped like the precomposed ones
            }
            else
            {
                sb.Append(char.ToLowerInvariant(ch));
            }
        }
        return sb.ToString();
    }
}
