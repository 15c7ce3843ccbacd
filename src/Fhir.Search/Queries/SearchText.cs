using System.Globalization;
using System.Text;

namespace Fhir.Search.Queries;

/// <summary>The normal form of strings for the default string search: lower case, accents removed, spaces collapsed.</summary>
public static class SearchText
{
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
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(char.ToLowerInvariant(ch));
            }
        }
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}
