using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Fhir.Path.Evaluation;

namespace Fhir.Path.Functions;

/// <summary>String functions, including the FHIRPath 2.0 additions (trim, split, join, encode, decode, escape, unescape, lastIndexOf).</summary>
internal static class StringFunctions
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);
    private static readonly ConcurrentDictionary<(string Pattern, bool Full, string Flags), Regex> Patterns = new();

    public static IEnumerable<FunctionDef> All()
    {
        yield return new("indexOf", 1, 1, (frame, focus, input, site) => StringOp(frame, focus, input, site, (s, a) => Items.Of(s.IndexOf(a, StringComparison.Ordinal))));
        yield return new("lastIndexOf", 1, 1, (frame, focus, input, site) => StringOp(frame, focus, input, site, (s, a) => Items.Of(s.LastIndexOf(a, StringComparison.Ordinal))));
        yield return new("substring", 1, 2, Substring);
        yield return new("startsWith", 1, 1, (frame, focus, input, site) => StringOp(frame, focus, input, site, (s, a) => Items.Of(s.StartsWith(a, StringComparison.Ordinal))));
        yield return new("endsWith", 1, 1, (frame, focus, input, site) => StringOp(frame, focus, input, site, (s, a) => Items.Of(s.EndsWith(a, StringComparison.Ordinal))));
        yield return new("contains", 1, 1, (frame, focus, input, site) => StringOp(frame, focus, input, site, (s, a) => Items.Of(s.Contains(a, StringComparison.Ordinal))));
        yield return new("upper", 0, 0, (_, _, input, site) => Args.StringInput(input, site) is { } s ? Items.Single(s.ToUpperInvariant()) : Items.Empty);
        yield return new("lower", 0, 0, (_, _, input, site) => Args.StringInput(input, site) is { } s ? Items.Single(s.ToLowerInvariant()) : Items.Empty);
        yield return new("length", 0, 0, (_, _, input, site) => Args.StringInput(input, site) is { } s ? Items.Of(s.Length) : Items.Empty);
        yield return new("toChars", 0, 0, ToChars);
        yield return new("trim", 0, 0, (_, _, input, site) => Args.StringInput(input, site) is { } s ? Items.Single(s.Trim()) : Items.Empty);
        yield return new("replace", 2, 2, Replace);
        yield return new("matches", 1, 2, (frame, focus, input, site) => Matches(frame, focus, input, site, full: false));
        yield return new("matchesFull", 1, 2, (frame, focus, input, site) => Matches(frame, focus, input, site, full: true));
        yield return new("replaceMatches", 2, 3, ReplaceMatches);
        yield return new("split", 1, 1, Split);
        yield return new("join", 0, 1, Join);
        yield return new("encode", 1, 1, (frame, focus, input, site) => StringOp(frame, focus, input, site, (s, a) => Encode(s, a, site)));
        yield return new("decode", 1, 1, (frame, focus, input, site) => StringOp(frame, focus, input, site, (s, a) => Decode(s, a, site)));
        yield return new("escape", 1, 1, (frame, focus, input, site) => StringOp(frame, focus, input, site, (s, a) => Escape(s, a, site)));
        yield return new("unescape", 1, 1, (frame, focus, input, site) => StringOp(frame, focus, input, site, (s, a) => Unescape(s, a, site)));
    }

    /// <summary>A function of the input string and one string argument; empty when either is empty.</summary>
    private static IReadOnlyList<object> StringOp(
        Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site, Func<string, string, IReadOnlyList<object>> op)
    {
        var s = Args.StringInput(input, site);
        if (s is null)
        {
            return Items.Empty;
        }
        var a = Args.String(frame, focus, site, 0);
        return a is null ? Items.Empty : op(s, a);
    }

    private static IReadOnlyList<object> Substring(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var s = Args.StringInput(input, site);
        var start = Args.Integer(frame, focus, site, 0);
        if (s is null || start is null || start < 0 || start >= s.Length)
        {
            return Items.Empty;
        }
        if (site.Args.Length < 2)
        {
            return Items.Single(s[start.Value..]);
        }
        var length = Args.Integer(frame, focus, site, 1);
        if (length is null)
        {
            return Items.Single(s[start.Value..]);
        }
        var take = Math.Max(0, Math.Min(length.Value, s.Length - start.Value));
        return Items.Single(s.Substring(start.Value, take));
    }

    private static IReadOnlyList<object> ToChars(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var s = Args.StringInput(input, site);
        if (s is null || s.Length == 0)
        {
            return Items.Empty;
        }
        var result = new object[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            result[i] = s[i].ToString();
        }
        return result;
    }

    private static IReadOnlyList<object> Replace(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var s = Args.StringInput(input, site);
        var pattern = Args.String(frame, focus, site, 0);
        var substitution = Args.String(frame, focus, site, 1);
        if (s is null || pattern is null || substitution is null)
        {
            return Items.Empty;
        }
        if (pattern.Length == 0)
        {
            // An empty pattern matches between every character and at both ends.
            var sb = new StringBuilder(s.Length * (substitution.Length + 1) + substitution.Length);
            sb.Append(substitution);
            foreach (var c in s)
            {
                sb.Append(c).Append(substitution);
            }
            return Items.Single(sb.ToString());
        }
        return Items.Single(s.Replace(pattern, substitution, StringComparison.Ordinal));
    }

    private sealed record CachedPattern(string Pattern, bool Full, string Flags, Regex Regex);

    /// <summary>
    /// The compiled pattern, from the call site when it is the same as last time, else from a shared cache. Patterns
    /// run in single-line mode (<c>.</c> matches a newline); the flags of FHIRPath 2.0 add <c>i</c> (ignore case)
    /// and <c>m</c> (multi-line anchors).
    /// </summary>
    private static Regex Pattern(string pattern, bool full, string flags, CallSite site)
    {
        if (site.Cache is CachedPattern cached && cached.Full == full && cached.Pattern == pattern && cached.Flags == flags)
        {
            return cached.Regex;
        }
        try
        {
            if (Patterns.Count > 10_000)
            {
                Patterns.Clear();
            }
            var options = RegexOptions.CultureInvariant | RegexOptions.Singleline;
            foreach (var flag in flags)
            {
                options |= flag switch
                {
                    'i' => RegexOptions.IgnoreCase,
                    'm' => RegexOptions.Multiline,
                    _ => throw site.Fail($"unknown regular expression flag '{flag}' (i or m)"),
                };
            }
            var regex = Patterns.GetOrAdd((pattern, full, flags), key => new Regex(
                key.Full ? "^(?:" + key.Pattern + ")$" : key.Pattern, options, RegexTimeout));
            site.Cache = new CachedPattern(pattern, full, flags, regex);
            return regex;
        }
        catch (ArgumentException e)
        {
            throw site.Fail($"'{pattern}' is not a valid regular expression: {e.Message}");
        }
    }

    private static IReadOnlyList<object> Matches(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site, bool full)
    {
        var s = Args.StringInput(input, site);
        var pattern = Args.String(frame, focus, site, 0);
        if (s is null || pattern is null)
        {
            return Items.Empty;
        }
        try
        {
            var flags = site.Args.Length > 1 ? Args.String(frame, focus, site, 1) ?? "" : "";
            return Items.Of(Pattern(pattern, full, flags, site).IsMatch(s));
        }
        catch (RegexMatchTimeoutException)
        {
            throw site.Fail("the regular expression took too long");
        }
    }

    private static IReadOnlyList<object> ReplaceMatches(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var s = Args.StringInput(input, site);
        var pattern = Args.String(frame, focus, site, 0);
        var substitution = Args.String(frame, focus, site, 1);
        if (s is null || pattern is null || substitution is null)
        {
            return Items.Empty;
        }
        if (pattern.Length == 0)
        {
            return Items.Single(s);
        }
        try
        {
            var flags = site.Args.Length > 2 ? Args.String(frame, focus, site, 2) ?? "" : "";
            return Items.Single(Pattern(pattern, false, flags, site).Replace(s, substitution));
        }
        catch (RegexMatchTimeoutException)
        {
            throw site.Fail("the regular expression took too long");
        }
    }

    private static IReadOnlyList<object> Split(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var s = Args.StringInput(input, site);
        var separator = Args.String(frame, focus, site, 0);
        if (s is null || separator is null)
        {
            return Items.Empty;
        }
        var parts = separator.Length == 0 ? s.Select(c => c.ToString()).ToArray() : s.Split(separator);
        return parts;
    }

    private static IReadOnlyList<object> Join(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var separator = site.Args.Length > 0 ? Args.String(frame, focus, site, 0) ?? "" : "";
        if (input.Count == 0)
        {
            return Items.Empty;
        }
        var sb = new StringBuilder();
        for (var i = 0; i < input.Count; i++)
        {
            if (!Values.TryGetString(input[i], out var s))
            {
                throw site.Fail($"the input must contain only strings, not {Values.Describe(input[i])}");
            }
            if (i > 0)
            {
                sb.Append(separator);
            }
            sb.Append(s);
        }
        return Items.Single(sb.ToString());
    }

    private static IReadOnlyList<object> Encode(string s, string format, CallSite site)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        return format switch
        {
            "base64" => Items.Single(Convert.ToBase64String(bytes)),
            "urlbase64" => Items.Single(Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_')),
            "hex" => Items.Single(Convert.ToHexStringLower(bytes)),
            _ => throw site.Fail($"unknown encoding '{format}' (base64, urlbase64 or hex)"),
        };
    }

    private static IReadOnlyList<object> Decode(string s, string format, CallSite site)
    {
        try
        {
            var bytes = format switch
            {
                "base64" => Convert.FromBase64String(s),
                "urlbase64" => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/')),
                "hex" => Convert.FromHexString(s),
                _ => throw site.Fail($"unknown encoding '{format}' (base64, urlbase64 or hex)"),
            };
            return Items.Single(Encoding.UTF8.GetString(bytes));
        }
        catch (FormatException)
        {
            throw site.Fail($"the input is not valid {format}");
        }
    }

    private static IReadOnlyList<object> Escape(string s, string format, CallSite site) => format switch
    {
        "html" => Items.Single(EscapeHtml(s)),
        "json" => Items.Single(EscapeJson(s)),
        _ => throw site.Fail($"unknown escape target '{format}' (html or json)"),
    };

    private static IReadOnlyList<object> Unescape(string s, string format, CallSite site) => format switch
    {
        "html" => Items.Single(WebUtility.HtmlDecode(s)),
        "json" => Items.Single(UnescapeJson(s)),
        _ => throw site.Fail($"unknown escape target '{format}' (html or json)"),
    };

    private static string EscapeHtml(string s)
    {
        var sb = new StringBuilder(s.Length + 16);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    private static string EscapeJson(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    private static string UnescapeJson(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '\\' || i + 1 >= s.Length)
            {
                sb.Append(c);
                continue;
            }
            var e = s[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'u' when i + 4 < s.Length && int.TryParse(s.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                case '"' or '\\' or '/': sb.Append(e); break;
                default: sb.Append('\\').Append(e); break;
            }
        }
        return sb.ToString();
    }
}
