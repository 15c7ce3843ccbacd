using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Fhir.Core.Json;

/// <summary>JSON Pointer (RFC 6901) parsing and navigation over <see cref="JsonNode"/> trees.</summary>
internal static class JsonPointer
{
    /// <summary>Splits a pointer into unescaped reference tokens; <c>""</c> is the whole document.</summary>
    public static bool TryParse(string pointer, out string[] tokens)
    {
        tokens = [];
        if (pointer.Length == 0)
        {
            return true;
        }

        if (pointer[0] != '/')
        {
            return false;
        }

        var parts = pointer[1..].Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var tilde = part.IndexOf('~');
            if (tilde < 0)
            {
                continue;
            }

            var sb = new StringBuilder(part.Length);
            for (var j = 0; j < part.Length; j++)
            {
                if (part[j] != '~')
                {
                    sb.Append(part[j]);
                    continue;
                }

                if (j + 1 >= part.Length || (part[j + 1] != '0' && part[j + 1] != '1'))
                {
                    return false; // '~' must be followed by 0 or 1
                }

                sb.Append(part[++j] == '0' ? '~' : '/');
            }

            parts[i] = sb.ToString();
        }

        tokens = parts;
        return true;
    }

    /// <summary>An array index token: <c>0</c> or digits without a leading zero.</summary>
    public static bool TryParseIndex(string token, out int index)
    {
        index = -1;
        if (token.Length == 0 || (token.Length > 1 && token[0] == '0'))
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    public static bool TryResolve(JsonNode? root, ReadOnlySpan<string> tokens, out JsonNode? node, out string? error)
    {
        node = root;
        error = null;
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            switch (node)
            {
                case JsonObject obj:
                    if (!obj.TryGetPropertyValue(token, out node))
                    {
                        error = $"{Format(tokens[..(i + 1)])} does not exist.";
                        return false;
                    }

                    break;
                case JsonArray array:
                    if (!TryParseIndex(token, out var index) || index >= array.Count)
                    {
                        error = $"{Format(tokens[..(i + 1)])} does not exist: the array has {array.Count} element(s).";
                        return false;
                    }

                    node = array[index];
                    break;
                default:
                    error = $"{Format(tokens[..(i + 1)])} does not exist: {Format(tokens[..i])} is not an object or array.";
                    return false;
            }
        }

        return true;
    }

    public static bool TryResolveParent(JsonNode? root, ReadOnlySpan<string> tokens, out JsonNode? parent, out string? error) =>
        TryResolve(root, tokens[..^1], out parent, out error);

    /// <summary>The pointer text of tokens (escaped again); <c>""</c> shows as <c>(root)</c> in messages.</summary>
    public static string Format(ReadOnlySpan<string> tokens)
    {
        if (tokens.Length == 0)
        {
            return "(root)";
        }

        var sb = new StringBuilder();
        foreach (var token in tokens)
        {
            sb.Append('/').Append(token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }

        return sb.ToString();
    }
}
