using System.Globalization;
using System.Text;

namespace Fhir.Path.Tests.Suites;

/// <summary>
/// Reads the subset of YAML the fhirpath.js test cases use: block mappings and sequences (including mappings
/// opened on a sequence line), flow sequences and mappings, plain, single- and double-quoted scalars, folded and
/// literal block scalars, and comments. Mappings become ordered lists of key/value pairs
/// (<see cref="YamlMap"/>), sequences <see cref="List{T}"/>, scalars string, long, decimal, bool or null; a quoted
/// scalar is always a string.
/// </summary>
internal static class YamlSubset
{
    public static object? Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        var parser = new BlockParser(lines);
        return parser.ParseDocument();
    }

    private sealed class BlockParser(List<string> lines)
    {
        private int _line;

        public object? ParseDocument()
        {
            SkipEmpty();
            return _line >= lines.Count ? null : ParseNode(Indent(lines[_line]));
        }

        private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

        private static bool IsComment(string line) => line.TrimStart().StartsWith('#');

        private void SkipEmpty()
        {
            while (_line < lines.Count && (lines[_line].Trim().Length == 0 || IsComment(lines[_line])))
            {
                _line++;
            }
        }

        private object? ParseNode(int indent)
        {
            SkipEmpty();
            if (_line >= lines.Count)
            {
                return null;
            }
            var text = lines[_line].TrimStart();
            if (text == "-" || text.StartsWith("- ", StringComparison.Ordinal))
            {
                return ParseSequence(Indent(lines[_line]));
            }
            if (MappingKey(text, out _, out _))
            {
                return ParseMapping(Indent(lines[_line]));
            }
            _line++;
            return ParseInlineValue(text, indent);
        }

        private List<object?> ParseSequence(int indent)
        {
            var items = new List<object?>();
            while (true)
            {
                SkipEmpty();
                if (_line >= lines.Count || Indent(lines[_line]) != indent)
                {
                    return items;
                }
                var text = lines[_line].TrimStart();
                if (!(text == "-" || text.StartsWith("- ", StringComparison.Ordinal)))
                {
                    return items;
                }
                var content = text.Length > 1 ? text[2..].TrimStart() : "";
                if (content.Length == 0)
                {
                    _line++;
                    SkipEmpty();
                    items.Add(_line < lines.Count && Indent(lines[_line]) > indent ? ParseNode(Indent(lines[_line])) : null);
                    continue;
                }
                var contentIndent = indent + (text.Length - content.Length);
                if (content.StartsWith("- ", StringComparison.Ordinal) || MappingKey(content, out _, out _))
                {
                    // A mapping (or nested sequence) that opens on the sequence line: re-read the line at its own indent.
                    lines[_line] = new string(' ', contentIndent) + content;
                    items.Add(ParseNode(contentIndent));
                    continue;
                }
                _line++;
                items.Add(ParseInlineValue(content, indent));
            }
        }

        private YamlMap ParseMapping(int indent)
        {
            var map = new YamlMap();
            while (true)
            {
                SkipEmpty();
                if (_line >= lines.Count || Indent(lines[_line]) != indent)
                {
                    return map;
                }
                var text = lines[_line].TrimStart();
                if (!MappingKey(text, out var key, out var rest))
                {
                    return map;
                }
                _line++;
                rest = StripComment(rest);
                if (rest.Length == 0)
                {
                    SkipEmpty();
                    if (_line < lines.Count && (Indent(lines[_line]) > indent
                        || (Indent(lines[_line]) == indent && lines[_line].TrimStart().StartsWith('-'))))
                    {
                        map.Add(key, ParseNode(Indent(lines[_line])));
                    }
                    else
                    {
                        map.Add(key, null);
                    }
                    continue;
                }
                if (rest is "|" or "|-" or "|+" or ">" or ">-" or ">+")
                {
                    map.Add(key, BlockScalar(indent, folded: rest[0] == '>', keepFinal: !rest.EndsWith('-')));
                    continue;
                }
                map.Add(key, ParseInlineValue(rest, indent));
            }
        }

        private string BlockScalar(int indent, bool folded, bool keepFinal)
        {
            var collected = new List<string>();
            var blockIndent = -1;
            while (_line < lines.Count)
            {
                var raw = lines[_line];
                if (raw.Trim().Length == 0)
                {
                    collected.Add("");
                    _line++;
                    continue;
                }
                var ind = Indent(raw);
                if (ind <= indent)
                {
                    break;
                }
                if (blockIndent < 0)
                {
                    blockIndent = ind;
                }
                collected.Add(raw.Length >= blockIndent ? raw[blockIndent..] : raw.TrimStart());
                _line++;
            }
            while (collected.Count > 0 && collected[^1].Length == 0)
            {
                collected.RemoveAt(collected.Count - 1);
            }
            string text;
            if (!folded)
            {
                text = string.Join("\n", collected);
            }
            else
            {
                var sb = new StringBuilder();
                for (var i = 0; i < collected.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(collected[i].Length == 0 || collected[i - 1].Length == 0 ? "\n" : " ");
                    }
                    sb.Append(collected[i]);
                }
                text = sb.ToString();
            }
            return keepFinal ? text + "\n" : text;
        }

        /// <summary>A value on the rest of a line, continued on following lines for open flow collections and plain scalars.</summary>
        private object? ParseInlineValue(string text, int indent)
        {
            if (text.StartsWith('[') || text.StartsWith('{'))
            {
                var sb = new StringBuilder(text);
                while (!Balanced(sb.ToString()) && _line < lines.Count)
                {
                    sb.Append(' ').Append(lines[_line].Trim());
                    _line++;
                }
                var at = 0;
                return new FlowParser(sb.ToString()).ParseValue(ref at);
            }
            if (text.StartsWith('\'') || text.StartsWith('"'))
            {
                var sb = new StringBuilder(text);
                while (!QuoteClosed(sb.ToString()) && _line < lines.Count)
                {
                    sb.Append(' ').Append(lines[_line].Trim());
                    _line++;
                }
                var at = 0;
                return FlowParser.Quoted(sb.ToString(), ref at);
            }
            var plain = new StringBuilder(StripComment(text));
            // A plain scalar continues on more-indented lines that are not mapping entries.
            while (_line < lines.Count && lines[_line].Trim().Length > 0 && Indent(lines[_line]) > indent
                && !MappingKey(lines[_line].TrimStart(), out _, out _) && !lines[_line].TrimStart().StartsWith("- ", StringComparison.Ordinal))
            {
                plain.Append(' ').Append(StripComment(lines[_line].Trim()));
                _line++;
            }
            return Plain(plain.ToString());
        }

        private static bool QuoteClosed(string text)
        {
            var at = 0;
            try
            {
                FlowParser.Quoted(text, ref at);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        private static bool Balanced(string text)
        {
            var depth = 0;
            char? quote = null;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (quote is not null)
                {
                    if (c == '\\' && quote == '"')
                    {
                        i++;
                    }
                    else if (c == quote)
                    {
                        if (quote == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            i++;
                        }
                        else
                        {
                            quote = null;
                        }
                    }
                    continue;
                }
                switch (c)
                {
                    case '\'' or '"':
                        quote = c;
                        break;
                    case '[' or '{':
                        depth++;
                        break;
                    case ']' or '}':
                        depth--;
                        break;
                }
            }
            return depth <= 0;
        }
    }

    /// <summary>Splits <c>key: rest</c>; false when the text is not a mapping entry.</summary>
    private static bool MappingKey(string text, out string key, out string rest)
    {
        key = "";
        rest = "";
        if (text.StartsWith('\'') || text.StartsWith('"'))
        {
            var at = 0;
            try
            {
                key = FlowParser.Quoted(text, ref at);
            }
            catch (FormatException)
            {
                return false;
            }
            if (at < text.Length && text[at] == ':' && (at + 1 == text.Length || text[at + 1] == ' '))
            {
                rest = text[(at + 1)..].Trim();
                return true;
            }
            return false;
        }
        if (text.StartsWith('[') || text.StartsWith('{') || text.StartsWith('#'))
        {
            return false;
        }
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ':' && (i + 1 == text.Length || text[i + 1] == ' '))
            {
                key = text[..i].Trim();
                rest = text[(i + 1)..].Trim();
                return key.Length > 0;
            }
            if (text[i] == ' ' && i + 1 < text.Length && text[i + 1] == '#')
            {
                return false;
            }
        }
        return false;
    }

    private static string StripComment(string text)
    {
        if (text.StartsWith('\'') || text.StartsWith('"'))
        {
            return text;
        }
        var hash = text.IndexOf(" #", StringComparison.Ordinal);
        return (hash < 0 ? text : text[..hash]).Trim();
    }

    private static object? Plain(string text)
    {
        text = text.Trim();
        switch (text)
        {
            case "" or "null" or "~":
                return null;
            case "true":
                return true;
            case "false":
                return false;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && text.Any(char.IsDigit) && !text.Contains(' '))
        {
            return d;
        }
        return text;
    }

    private sealed class FlowParser(string text)
    {
        public object? ParseValue(ref int at)
        {
            SkipSpaces(ref at);
            if (at >= text.Length)
            {
                return null;
            }
            switch (text[at])
            {
                case '[':
                {
                    at++;
                    var list = new List<object?>();
                    while (true)
                    {
                        SkipSpaces(ref at);
                        if (at < text.Length && text[at] == ']')
                        {
                            at++;
                            return list;
                        }
                        list.Add(ParseValue(ref at));
                        SkipSpaces(ref at);
                        if (at < text.Length && text[at] == ',')
                        {
                            at++;
                        }
                        else if (at >= text.Length)
                        {
                            throw new FormatException("unterminated flow sequence");
                        }
                    }
                }
                case '{':
                {
                    at++;
                    var map = new YamlMap();
                    while (true)
                    {
                        SkipSpaces(ref at);
                        if (at < text.Length && text[at] == '}')
                        {
                            at++;
                            return map;
                        }
                        var key = text[at] is '\'' or '"' ? Quoted(text, ref at) : PlainUntil(ref at, ":").Trim();
                        SkipSpaces(ref at);
                        if (at < text.Length && text[at] == ':')
                        {
                            at++;
                        }
                        map.Add(key, ParseValue(ref at));
                        SkipSpaces(ref at);
                        if (at < text.Length && text[at] == ',')
                        {
                            at++;
                        }
                        else if (at >= text.Length)
                        {
                            throw new FormatException("unterminated flow mapping");
                        }
                    }
                }
                case '\'' or '"':
                    return Quoted(text, ref at);
                default:
                    return Plain(PlainUntil(ref at, ",]}"));
            }
        }

        private string PlainUntil(ref int at, string stops)
        {
            var start = at;
            while (at < text.Length && stops.IndexOf(text[at]) < 0)
            {
                at++;
            }
            return text[start..at];
        }

        private void SkipSpaces(ref int at)
        {
            while (at < text.Length && text[at] == ' ')
            {
                at++;
            }
        }

        public static string Quoted(string text, ref int at)
        {
            var quote = text[at];
            var sb = new StringBuilder();
            at++;
            while (true)
            {
                if (at >= text.Length)
                {
                    throw new FormatException("unterminated quoted scalar");
                }
                var c = text[at];
                if (quote == '\'' && c == '\'')
                {
                    if (at + 1 < text.Length && text[at + 1] == '\'')
                    {
                        sb.Append('\'');
                        at += 2;
                        continue;
                    }
                    at++;
                    return sb.ToString();
                }
                if (quote == '"' && c == '"')
                {
                    at++;
                    return sb.ToString();
                }
                if (quote == '"' && c == '\\' && at + 1 < text.Length)
                {
                    var e = text[at + 1];
                    at += 2;
                    switch (e)
                    {
                        case 'n': sb.Append('\n'); break;
                        case 't': sb.Append('\t'); break;
                        case 'r': sb.Append('\r'); break;
                        case '0': sb.Append('\0'); break;
                        case 'u' when at + 4 <= text.Length:
                            sb.Append((char)int.Parse(text.AsSpan(at, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                            at += 4;
                            break;
                        default: sb.Append(e); break;
                    }
                    continue;
                }
                sb.Append(c);
                at++;
            }
        }
    }
}

/// <summary>A YAML mapping: its entries in order.</summary>
internal sealed class YamlMap : List<KeyValuePair<string, object?>>
{
    public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));

    public object? this[string key] => this.FirstOrDefault(e => e.Key == key).Value;

    public bool Has(string key) => this.Any(e => e.Key == key);
}
