using Fhir.Core.Model;
using Fhir.Core.Primitives;

namespace Fhir.Trials.Loading;

/// <summary>Reading helpers over <see cref="ElementNode"/> for the few paths the trial model needs.</summary>
internal static class Nodes
{
    /// <summary>The child at a dotted path of element names (first match at each step).</summary>
    public static ElementNode? At(this ElementNode? node, string path)
    {
        foreach (var name in path.Split('.'))
        {
            node = node?.Child(name);
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>The primitive value at a dotted path, as text.</summary>
    public static string? Text(this ElementNode? node, string path)
    {
        var target = node.At(path);
        return target?.Value switch
        {
            null => null,
            string s => s,
            var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The extension with <paramref name="url"/> directly on <paramref name="node"/>.</summary>
    public static ElementNode? Extension(this ElementNode node, string url)
    {
        foreach (var ext in node.ChildrenNamed("extension"))
        {
            if (ext.Text("url") == url)
            {
                return ext;
            }
        }
        return null;
    }

    /// <summary>The code of the first coding of a CodeableConcept with <paramref name="system"/> (any system when null).</summary>
    public static string? Code(this ElementNode? concept, string? system)
    {
        if (concept is null)
        {
            return null;
        }
        foreach (var coding in concept.ChildrenNamed("coding"))
        {
            if (system is null || coding.Text("system") == system)
            {
                return coding.Text("code");
            }
        }
        return null;
    }

    /// <summary>The id in a relative reference (<c>Patient/123</c>, also absolute URLs) of the given type, or null.</summary>
    public static string? ReferenceId(this ElementNode? reference, string type)
    {
        var text = reference.Text("reference");
        if (text is null)
        {
            return null;
        }
        var history = text.IndexOf("/_history/", StringComparison.Ordinal);
        if (history >= 0)
        {
            text = text[..history];
        }
        var slash = text.LastIndexOf('/');
        if (slash <= 0)
        {
            return null;
        }
        var before = text.LastIndexOf('/', slash - 1);
        return text.AsSpan(before + 1, slash - before - 1).SequenceEqual(type) ? text[(slash + 1)..] : null;
    }

    /// <summary>The calendar date of a date or dateTime (its earliest day for a partial date; the local date as written).</summary>
    public static DateOnly? Date(string? text)
    {
        if (text is null || text.Length < 4)
        {
            return null;
        }
        static int Part(string t, int at, int length) => int.Parse(t.AsSpan(at, length), System.Globalization.CultureInfo.InvariantCulture);
        var year = Part(text, 0, 4);
        var month = text.Length >= 7 ? Part(text, 5, 2) : 1;
        var day = text.Length >= 10 ? Part(text, 8, 2) : 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>The earliest UTC instant a date or dateTime covers (a time without zone taken as UTC).</summary>
    public static DateTime? Instant(string? text) =>
        PartialDateTime.TryParse(text, out var value, requireTimezone: false) ? value.LowUtc : null;
}
