namespace Fhir.Views.Definition;

/// <summary>Finds the environment variables (<c>%name</c>, <c>%`name`</c>) an expression refers to, outside its string literals.</summary>
internal static class VariableNames
{
    public static IEnumerable<string> In(string expression)
    {
        var i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            if (c is '\'' or '`' && (i == 0 || expression[i - 1] != '%'))
            {
                i = SkipQuoted(expression, i, c);
                continue;
            }
            if (c == '/' && i + 1 < expression.Length && expression[i + 1] is '/' or '*')
            {
                i = SkipComment(expression, i);
                continue;
            }
            if (c != '%' || i + 1 >= expression.Length)
            {
                i++;
                continue;
            }
            var next = expression[i + 1];
            if (next is '`' or '\'')
            {
                var end = SkipQuoted(expression, i + 1, next);
                yield return expression[(i + 2)..Math.Max(i + 2, end - 1)];
                i = end;
                continue;
            }
            var start = i + 1;
            var stop = start;
            while (stop < expression.Length && (char.IsAsciiLetterOrDigit(expression[stop]) || expression[stop] is '_' or '-'))
            {
                stop++;
            }
            if (stop > start)
            {
                yield return expression[start..stop];
            }
            i = stop;
        }
    }

    private static int SkipQuoted(string s, int at, char quote)
    {
        var i = at + 1;
        while (i < s.Length && s[i] != quote)
        {
            i += s[i] == '\\' ? 2 : 1;
        }
        return Math.Min(i + 1, s.Length);
    }

    private static int SkipComment(string s, int at)
    {
        if (s[at + 1] == '/')
        {
            var end = s.IndexOf('\n', at);
            return end < 0 ? s.Length : end + 1;
        }
        var close = s.IndexOf("*/", at + 2, StringComparison.Ordinal);
        return close < 0 ? s.Length : close + 2;
    }
}
