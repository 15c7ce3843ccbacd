using System.Text;

namespace Fhir.Path.Parsing;

/// <summary>Splits FHIRPath text into tokens, skipping whitespace and comments.</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            i = SkipTrivia(text, i);
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", text.Length, 0));
                return tokens;
            }
            var start = i;
            var c = text[i];
            if (IsIdentifierStart(c))
            {
                while (i < text.Length && IsIdentifierPart(text[i]))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Identifier, text[start..i], start, i - start));
            }
            else if (c is >= '0' and <= '9')
            {
                tokens.Add(ReadNumber(text, ref i));
            }
            else if (c == '\'')
            {
                var value = ReadQuoted(text, ref i, '\'');
                tokens.Add(new Token(TokenKind.String, value, start, i - start));
            }
            else if (c == '`')
            {
                var value = ReadQuoted(text, ref i, '`');
                tokens.Add(new Token(TokenKind.DelimitedIdentifier, value, start, i - start));
            }
            else if (c == '@')
            {
                tokens.Add(ReadDateTime(text, ref i));
            }
            else if (c == '$')
            {
                i++;
                var nameStart = i;
                while (i < text.Length && IsIdentifierPart(text[i]))
                {
                    i++;
                }
                var name = text[nameStart..i];
                if (name is not ("this" or "index" or "total"))
                {
                    throw Error(text, start, name.Length == 0 ? "'$' must be followed by this, index or total" : $"unknown special variable '${name}'");
                }
                tokens.Add(new Token(TokenKind.Special, name, start, i - start));
            }
            else if (c == '%')
            {
                i++;
                string name;
                if (i < text.Length && text[i] == '`')
                {
                    name = ReadQuoted(text, ref i, '`');
                }
                else if (i < text.Length && text[i] == '\'')
                {
                    name = ReadQuoted(text, ref i, '\'');
                }
                else if (i < text.Length && IsIdentifierStart(text[i]))
                {
                    var nameStart = i;
                    while (i < text.Length && IsIdentifierPart(text[i]))
                    {
                        i++;
                    }
                    // FHIR writes its value set and extension constants undelimited: %vs-administrative-gender.
                    if (text.AsSpan(nameStart, i - nameStart) is "vs" or "ext" && i + 1 < text.Length && text[i] == '-' && IsIdentifierStart(text[i + 1]))
                    {
                        while (i < text.Length && (IsIdentifierPart(text[i]) || (text[i] == '-' && i + 1 < text.Length && IsIdentifierPart(text[i + 1]))))
                        {
                            i++;
                        }
                    }
                    name = text[nameStart..i];
                }
                else
                {
                    throw Error(text, start, "'%' must be followed by the name of an environment variable");
                }
                tokens.Add(new Token(TokenKind.EnvironmentVariable, name, start, i - start));
            }
            else
            {
                var symbol = ReadSymbol(text, i);
                if (symbol is null)
                {
                    throw Error(text, start, $"unexpected character '{c}'");
                }
                i += symbol.Length;
                tokens.Add(new Token(TokenKind.Symbol, symbol, start, symbol.Length));
            }
        }
    }

    private static int SkipTrivia(string text, int i)
    {
        while (i < text.Length)
        {
            var c = text[i];
            if (c is ' ' or '\t' or '\r' or '\n' or '\f')
            {
                i++;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n' && text[i] != '\r')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Error(text, i, "unterminated comment ('/*' without '*/')");
                }
                i = end + 2;
            }
            else
            {
                break;
            }
        }
        return i;
    }

    private static string? ReadSymbol(string text, int i)
    {
        var c = text[i];
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        switch (c)
        {
            case '!':
                return next is '=' or '~' ? text.Substring(i, 2) : null;
            case '<':
            case '>':
                return next == '=' ? text.Substring(i, 2) : c.ToString();
            case '.':
            case '[':
            case ']':
            case '(':
            case ')':
            case '{':
            case '}':
            case ',':
            case '+':
            case '-':
            case '*':
            case '/':
            case '&':
            case '|':
            case '=':
            case '~':
                return c.ToString();
            default:
                return null;
        }
    }

    private static Token ReadNumber(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            return new Token(TokenKind.Decimal, text[start..i], start, i - start);
        }
        if (i < text.Length && text[i] == 'L' && (i + 1 >= text.Length || !IsIdentifierPart(text[i + 1])))
        {
            i++;
            return new Token(TokenKind.Long, text[start..(i - 1)], start, i - start);
        }
        return new Token(TokenKind.Integer, text[start..i], start, i - start);
    }

    private static string ReadQuoted(string text, ref int i, char quote)
    {
        var start = i;
        i++;
        StringBuilder? sb = null;
        var runStart = i;
        while (true)
        {
            if (i >= text.Length)
            {
                throw Error(text, start, quote == '\'' ? "unterminated string" : "unterminated delimited identifier");
            }
            var c = text[i];
            if (c == quote)
            {
                var result = sb is null ? text[runStart..i] : sb.Append(text, runStart, i - runStart).ToString();
                i++;
                return result;
            }
            if (c == '\\')
            {
                sb ??= new StringBuilder();
                sb.Append(text, runStart, i - runStart);
                if (i + 1 >= text.Length)
                {
                    throw Error(text, i, "unterminated escape sequence");
                }
                var e = text[i + 1];
                switch (e)
                {
                    case '\'': sb.Append('\''); break;
                    case '"': sb.Append('"'); break;
                    case '`': sb.Append('`'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (i + 5 >= text.Length || !int.TryParse(text.AsSpan(i + 2, 4), System.Globalization.NumberStyles.HexNumber, null, out var code))
                        {
                            throw Error(text, i, "'\\u' must be followed by four hexadecimal digits");
                        }
                        sb.Append((char)code);
                        i += 4;
                        break;
                    default:
                        throw Error(text, i, $"unknown escape sequence '\\{e}'");
                }
                i += 2;
                runStart = i;
                continue;
            }
            i++;
        }
    }

    private static Token ReadDateTime(string text, ref int i)
    {
        var start = i;
        i++; // @
        if (i < text.Length && text[i] == 'T')
        {
            var timeStart = i + 1;
            var end = MatchTime(text, timeStart);
            if (end < 0)
            {
                throw Error(text, start, "invalid time literal");
            }
            i = end;
            var tzEnd = MatchOffset(text, i);
            if (tzEnd > 0)
            {
                // The grammar has no timezone on a time; it is an invalid value rather than two tokens.
                i = tzEnd;
                return new Token(TokenKind.InvalidLiteral, text[start..i], start, i - start);
            }
            return new Token(TokenKind.Time, text[timeStart..end], start, i - start);
        }
        var dateEnd = MatchDate(text, i);
        if (dateEnd < 0)
        {
            throw Error(text, start, "invalid date/time literal");
        }
        i = dateEnd;
        if (i < text.Length && text[i] == 'T')
        {
            i++;
            var timeEnd = MatchTime(text, i);
            if (timeEnd > 0)
            {
                i = timeEnd;
                var tzEnd = MatchOffset(text, i);
                if (tzEnd > 0)
                {
                    i = tzEnd;
                }
            }
            var literal = text[(start + 1)..i];
            return new Token(TokenKind.DateTime, literal.EndsWith('T') ? literal[..^1] : literal, start, i - start);
        }
        return new Token(TokenKind.Date, text[(start + 1)..i], start, i - start);
    }

    private static bool Digit(string t, int at) => at < t.Length && char.IsAsciiDigit(t[at]);

    private static bool Digits(string t, int at, int n)
    {
        for (var k = 0; k < n; k++)
        {
            if (!Digit(t, at + k))
            {
                return false;
            }
        }
        return true;
    }

    private static int MatchDate(string t, int at)
    {
        if (!Digits(t, at, 4))
        {
            return -1;
        }
        at += 4;
        if (at < t.Length && t[at] == '-' && Digits(t, at + 1, 2))
        {
            at += 3;
            if (at < t.Length && t[at] == '-' && Digits(t, at + 1, 2))
            {
                at += 3;
            }
        }
        return at;
    }

    private static int MatchTime(string t, int at)
    {
        if (!Digits(t, at, 2))
        {
            return -1;
        }
        at += 2;
        if (at < t.Length && t[at] == ':' && Digits(t, at + 1, 2))
        {
            at += 3;
            if (at < t.Length && t[at] == ':' && Digits(t, at + 1, 2))
            {
                at += 3;
                if (at < t.Length && t[at] == '.' && Digit(t, at + 1))
                {
                    at++;
                    while (Digit(t, at))
                    {
                        at++;
                    }
                }
            }
        }
        return at;
    }

    private static int MatchOffset(string t, int at)
    {
        if (at < t.Length && t[at] == 'Z')
        {
            return at + 1;
        }
        if (at < t.Length && (t[at] == '+' || t[at] == '-') && Digits(t, at + 1, 2) && at + 3 < t.Length && t[at + 3] == ':' && Digits(t, at + 4, 2))
        {
            return at + 6;
        }
        return -1;
    }

    private static bool IsIdentifierStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c);

    private static FhirPathException Error(string text, int position, string message) =>
        new(FhirPathErrorKind.Syntax, message, text, position);
}
