using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fhir.Core.Json;

/// <summary>
/// JSON Patch (RFC 6902) over <see cref="System.Text.Json.Nodes"/>: <c>add</c>, <c>remove</c>, <c>replace</c>,
/// <c>move</c>, <c>copy</c> and <c>test</c>, with JSON Pointers (RFC 6901: <c>~0</c> is <c>~</c>, <c>~1</c> is <c>/</c>,
/// <c>-</c> appends to an array). All or nothing: the operations run on a copy, and the input document is never modified.
/// With <see cref="PatchLimits"/>, every operation is checked before it adds anything: <c>copy</c> can double a document
/// with each operation, so a few dozen operations of a kilobyte would otherwise build gigabytes.
/// </summary>
public static class JsonPatch
{
    private const int MaxMessageValueLength = 120;

    private static readonly JsonDocumentOptions PatchParseOptions = new() { AllowDuplicateProperties = false };

    /// <summary>Applies a JSON Patch document given as UTF-8 JSON to <paramref name="document"/>.</summary>
    /// <param name="document">The target document; not modified. Null stands for a JSON <c>null</c> document.</param>
    /// <param name="patchUtf8">The patch: a JSON array of operation objects.</param>
    /// <param name="limits">Bounds on the patched document; none when null.</param>
    /// <returns>The patched copy, or the failing operation's index and a message.</returns>
    public static JsonPatchResult Apply(JsonNode? document, ReadOnlySpan<byte> patchUtf8, PatchLimits? limits = null)
    {
        JsonNode? patch;
        if (JsonEscapes.IndexOfUnpairedSurrogate(patchUtf8) >= 0)
        {
            // System.Text.Json would parse it, then throw when a string of it is read.
            return JsonPatchResult.Failure(JsonPatchErrorKind.InvalidPatch, -1, "The patch holds an unpaired UTF-16 surrogate (\\uD800-\\uDFFF without its pair), which is not Unicode text.");
        }
        try
        {
            patch = JsonNode.Parse(patchUtf8, documentOptions: PatchParseOptions);
        }
        catch (JsonException ex)
        {
            return JsonPatchResult.Failure(JsonPatchErrorKind.InvalidPatch, -1, $"The patch is not valid JSON: {ex.Message}");
        }

        return Apply(document, patch, limits);
    }

    /// <summary>Applies a JSON Patch document already parsed into a node.</summary>
    /// <param name="document">The target document; not modified. Null stands for a JSON <c>null</c> document.</param>
    /// <param name="patch">The patch: a JSON array of operation objects; not modified.</param>
    /// <param name="limits">Bounds on the patched document; none when null.</param>
    /// <returns>The patched copy, or the failing operation's index and a message.</returns>
    public static JsonPatchResult Apply(JsonNode? document, JsonNode? patch, PatchLimits? limits = null)
    {
        if (patch is not JsonArray operations)
        {
            return JsonPatchResult.Failure(JsonPatchErrorKind.InvalidPatch, -1, "A JSON Patch must be a JSON array of operations.");
        }

        var root = document?.DeepClone();
        var tally = limits is null || limits == PatchLimits.None ? null : new Tally(limits, JsonSize.Of(root));
        for (var i = 0; i < operations.Count; i++)
        {
            var failure = ApplyOperation(ref root, operations[i], i, tally);
            if (failure is not null)
            {
                return failure;
            }
        }

        return JsonPatchResult.Success(root);
    }

    /// <summary>
    /// JSON equality as RFC 6902 <c>test</c> defines it: same type; numbers equal by value (<c>1</c>, <c>1.0</c> and
    /// <c>1e0</c> are equal); strings equal after unescaping, ordinal; objects with the same members in any order;
    /// arrays with equal elements in the same order.
    /// </summary>
    /// <param name="a">A JSON value (null is JSON <c>null</c>).</param>
    /// <param name="b">Another JSON value.</param>
    /// <returns>True when equal.</returns>
    public static bool JsonEquals(JsonNode? a, JsonNode? b)
    {
        var kind = Kind(a);
        if (kind != Kind(b))
        {
            return false;
        }

        switch (kind)
        {
            case JsonValueKind.Object:
            {
                var x = (JsonObject)a!;
                var y = (JsonObject)b!;
                if (x.Count != y.Count)
                {
                    return false;
                }

                foreach (var (name, value) in x)
                {
                    if (!y.TryGetPropertyValue(name, out var other) || !JsonEquals(value, other))
                    {
                        return false;
                    }
                }

                return true;
            }

            case JsonValueKind.Array:
            {
                var x = (JsonArray)a!;
                var y = (JsonArray)b!;
                if (x.Count != y.Count)
                {
                    return false;
                }

                for (var i = 0; i < x.Count; i++)
                {
                    if (!JsonEquals(x[i], y[i]))
                    {
                        return false;
                    }
                }

                return true;
            }

            case JsonValueKind.String:
                return string.Equals(StringOf(a!), StringOf(b!), StringComparison.Ordinal);
            case JsonValueKind.Number:
                return JsonNumber.Parse(a!.ToJsonString()).Equals(JsonNumber.Parse(b!.ToJsonString()));
            default:
                return true; // true, false, null
        }
    }

    private static JsonPatchResult? ApplyOperation(ref JsonNode? root, JsonNode? node, int index, Tally? tally)
    {
        if (node is not JsonObject op)
        {
            return Invalid(index, $"Operation {index} is not a JSON object.");
        }

        if (!TryGetString(op, "op", out var name))
        {
            return Invalid(index, $"Operation {index} has no \"op\" string member.");
        }

        if (name is not ("add" or "remove" or "replace" or "move" or "copy" or "test"))
        {
            return Invalid(index, $"Operation {index} has an unknown op \"{name}\".");
        }

        if (!TryGetString(op, "path", out var pathText))
        {
            return Invalid(index, $"Operation {index} ({name}) has no \"path\" string member.");
        }

        if (!JsonPointer.TryParse(pathText, out var path))
        {
            return Invalid(index, $"Operation {index} ({name}): \"{pathText}\" is not a JSON Pointer.");
        }

        JsonNode? value = null;
        if (name is "add" or "replace" or "test" && !op.TryGetPropertyValue("value", out value))
        {
            return Invalid(index, $"Operation {index} ({name} {pathText}) has no \"value\" member.");
        }

        string[] from = [];
        string? fromText = null;
        if (name is "move" or "copy")
        {
            if (!TryGetString(op, "from", out fromText))
            {
                return Invalid(index, $"Operation {index} ({name} {pathText}) has no \"from\" string member.");
            }

            if (!JsonPointer.TryParse(fromText, out from))
            {
                return Invalid(index, $"Operation {index} ({name}): \"{fromText}\" is not a JSON Pointer.");
            }
        }

        string? error;
        var where = fromText is null ? pathText : $"{fromText} to {pathText}";
        JsonPatchResult? Exceeds(JsonNode? document, JsonSize added, bool replaces) =>
            tally?.Add(document, path, added, replaces) is { } limit
                ? JsonPatchResult.Failure(limit.Kind, index, $"Operation {index} ({name} {where}) {limit.Message}", pathText)
                : null;
        switch (name)
        {
            case "add":
                if (tally is not null && Exceeds(root, JsonSize.Of(value), replaces: false) is { } tooBigAdd)
                {
                    return tooBigAdd;
                }

                error = Add(ref root, path, value?.DeepClone());
                break;
            case "remove":
                error = Remove(root, path, out var removed);
                if (error is null)
                {
                    tally?.Remove(path, JsonSize.Of(removed));
                }

                break;
            case "replace":
                if (tally is not null && Exceeds(root, JsonSize.Of(value), replaces: true) is { } tooBigReplace)
                {
                    return tooBigReplace;
                }

                error = Replace(ref root, path, value?.DeepClone());
                break;
            case "move":
                if (from.AsSpan().SequenceEqual(path))
                {
                    error = JsonPointer.TryResolve(root, from, out _, out var missing) ? null : missing;
                    break;
                }

                if (path.Length > from.Length && path.AsSpan(0, from.Length).SequenceEqual(from))
                {
                    error = "a value cannot be moved into one of its own children.";
                    break;
                }

                error = Remove(root, from, out var moved);
                if (error is not null)
                {
                    break;
                }

                if (tally is not null)
                {
                    var movedSize = JsonSize.Of(moved);
                    tally.Remove(from, movedSize);
                    if (Exceeds(root, movedSize, replaces: false) is { } tooDeepMove)
                    {
                        return tooDeepMove;
                    }
                }

                error = Add(ref root, path, moved);
                break;
            case "copy":
                if (!JsonPointer.TryResolve(root, from, out var source, out error))
                {
                    break;
                }

                // Measured before it is cloned: the clone is what would take the memory.
                if (tally is not null && Exceeds(root, JsonSize.Of(source), replaces: false) is { } tooBigCopy)
                {
                    return tooBigCopy;
                }

                error = Add(ref root, path, source?.DeepClone());
                break;
            default: // test
                if (!JsonPointer.TryResolve(root, path, out var actual, out error))
                {
                    break;
                }

                if (!JsonEquals(actual, value))
                {
                    return JsonPatchResult.Failure(
                        JsonPatchErrorKind.TestFailed,
                        index,
                        $"Operation {index} (test {pathText}) failed: the value is {Show(actual)}, not {Show(value)}.");
                }

                error = null;
                break;
        }

        if (error is null)
        {
            return null;
        }

        return JsonPatchResult.Failure(JsonPatchErrorKind.InvalidTarget, index, $"Operation {index} ({name} {where}) failed: {error}");
    }

    private static string? Add(ref JsonNode? root, string[] path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            root = value;
            return null;
        }

        if (!JsonPointer.TryResolveParent(root, path, out var parent, out var error))
        {
            return error;
        }

        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                return null;
            case JsonArray array:
                if (last == "-")
                {
                    array.Add(value);
                    return null;
                }

                if (!JsonPointer.TryParseIndex(last, out var i) || i > array.Count)
                {
                    return $"{JsonPointer.Format(path)}: \"{last}\" is not an index from 0 to {array.Count} (or \"-\") of the array.";
                }

                array.Insert(i, value);
                return null;
            default:
                return $"{JsonPointer.Format(path[..^1])} is {Describe(parent)}, not an object or array.";
        }
    }

    private static string? Remove(JsonNode? root, string[] path, out JsonNode? removed)
    {
        removed = null;
        if (path.Length == 0)
        {
            return "the whole document cannot be removed.";
        }

        if (!JsonPointer.TryResolveParent(root, path, out var parent, out var error))
        {
            return error;
        }

        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj:
                if (!obj.TryGetPropertyValue(last, out removed))
                {
                    return $"{JsonPointer.Format(path)} does not exist.";
                }

                obj.Remove(last);
                return null;
            case JsonArray array:
                if (!JsonPointer.TryParseIndex(last, out var i) || i >= array.Count)
                {
                    return $"{JsonPointer.Format(path)} does not exist: the array has {array.Count} element(s).";
                }

                removed = array[i];
                array.RemoveAt(i);
                return null;
            default:
                return $"{JsonPointer.Format(path[..^1])} is {Describe(parent)}, not an object or array.";
        }
    }

    private static string? Replace(ref JsonNode? root, string[] path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            root = value;
            return null;
        }

        if (!JsonPointer.TryResolveParent(root, path, out var parent, out var error))
        {
            return error;
        }

        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj:
                if (!obj.ContainsKey(last))
                {
                    return $"{JsonPointer.Format(path)} does not exist.";
                }

                obj[last] = value;
                return null;
            case JsonArray array:
                if (!JsonPointer.TryParseIndex(last, out var i) || i >= array.Count)
                {
                    return $"{JsonPointer.Format(path)} does not exist: the array has {array.Count} element(s).";
                }

                array[i] = value;
                return null;
            default:
                return $"{JsonPointer.Format(path[..^1])} is {Describe(parent)}, not an object or array.";
        }
    }

    private static JsonPatchResult Invalid(int index, string message) =>
        JsonPatchResult.Failure(JsonPatchErrorKind.InvalidPatch, index, message);

    private static bool TryGetString(JsonObject op, string name, out string value)
    {
        value = "";
        if (op.TryGetPropertyValue(name, out var node) && Kind(node) == JsonValueKind.String)
        {
            value = StringOf(node!);
            return true;
        }

        return false;
    }

    private static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    private static string StringOf(JsonNode node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : JsonSerializer.Deserialize<string>(node.ToJsonString()) ?? "";

    private static string Describe(JsonNode? node) => Kind(node) switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= MaxMessageValueLength ? text : string.Concat(text.AsSpan(0, MaxMessageValueLength), "…");
    }

    /// <summary>
    /// The patched document's size, kept up to date as operations apply (each added or removed value is measured,
    /// never the whole document again), and the check of each addition against the limits.
    /// </summary>
    private sealed class Tally(PatchLimits limits, JsonSize start)
    {
        private long _bytes = start.Bytes;
        private long _nodes = start.Nodes;

        /// <summary>
        /// Counts a value about to go to <paramref name="path"/>, less what it takes the place of (an object member of
        /// the same name for add, the target for replace, the whole document at the root); null when within the
        /// limits, else which limit and why. The document is not changed.
        /// </summary>
        public (JsonPatchErrorKind Kind, string Message)? Add(JsonNode? root, string[] path, JsonSize value, bool replaces)
        {
            if (path.Length + value.Depth > limits.MaxDepth)
            {
                return (JsonPatchErrorKind.TooDeep, $"would nest the document {path.Length + value.Depth} levels deep; the limit is {limits.MaxDepth}.");
            }

            var bytes = value.Bytes + Overhead(path);
            long nodes = value.Nodes;
            if (path.Length == 0)
            {
                bytes -= _bytes;
                nodes -= _nodes;
            }
            else if (Replaced(root, path, replaces) is { } old)
            {
                bytes -= old.Bytes + Overhead(path);
                nodes -= old.Nodes;
            }

            if (_bytes + bytes > limits.MaxBytes)
            {
                return (JsonPatchErrorKind.TooLarge, $"would make the document about {_bytes + bytes} bytes; the limit is {limits.MaxBytes}.");
            }

            if (_nodes + nodes > limits.MaxNodes)
            {
                return (JsonPatchErrorKind.TooLarge, $"would make the document hold {_nodes + nodes} JSON values; the limit is {limits.MaxNodes}.");
            }

            _bytes += bytes;
            _nodes += nodes;
            return null;
        }

        /// <summary>Takes away a value removed from <paramref name="path"/>.</summary>
        public void Remove(string[] path, JsonSize value)
        {
            _bytes -= value.Bytes + Overhead(path);
            _nodes -= value.Nodes;
        }

        private static long Overhead(string[] path) => path.Length == 0 ? 0 : JsonSize.MemberOverhead(path[^1]);

        private static JsonSize? Replaced(JsonNode? root, string[] path, bool replaces)
        {
            if (!JsonPointer.TryResolveParent(root, path, out var parent, out _))
            {
                return null;
            }

            return parent switch
            {
                JsonObject obj when obj.TryGetPropertyValue(path[^1], out var member) => JsonSize.Of(member),
                JsonArray array when replaces && JsonPointer.TryParseIndex(path[^1], out var i) && i < array.Count => JsonSize.Of(array[i]),
                _ => null,
            };
        }
    }

    /// <summary>A JSON number reduced to sign, significant digits and a power of ten, for exact comparison by value.</summary>
    private readonly record struct JsonNumber(bool Negative, string Digits, BigInteger Exponent)
    {
        public static JsonNumber Parse(string text)
        {
            var s = text.AsSpan();
            var negative = s.Length > 0 && s[0] == '-';
            if (negative)
            {
                s = s[1..];
            }

            var exponent = BigInteger.Zero;
            var e = s.IndexOfAny('e', 'E');
            if (e >= 0)
            {
                exponent = BigInteger.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                s = s[..e];
            }

            var dot = s.IndexOf('.');
            var digits = dot < 0 ? s.ToString() : string.Concat(s[..dot], s[(dot + 1)..]);
            if (dot >= 0)
            {
                exponent -= s.Length - dot - 1;
            }

            digits = digits.TrimStart('0');
            var trimmed = digits.TrimEnd('0');
            exponent += digits.Length - trimmed.Length;
            return trimmed.Length == 0 ? new JsonNumber(false, "", BigInteger.Zero) : new JsonNumber(negative, trimmed, exponent);
        }
    }
}
