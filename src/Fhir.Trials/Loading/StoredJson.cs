using System.Text.Json;

namespace Fhir.Trials.Loading;

/// <summary>
/// Reading helpers over stored FHIR JSON (<see cref="JsonElement"/>) for the few paths the trial model needs.
/// The stored JSON was checked by the strict reader when it was written, so reading it again needs no
/// FHIR model: a repeating element's first item stands for the element, as <c>ElementNode.Child</c> does.
/// </summary>
internal static class StoredJson
{
    /// <summary>The property <paramref name="name"/> of an object (the first item when it repeats), or null.</summary>
    public static JsonElement? Child(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var child))
        {
            return null;
        }
        if (child.ValueKind == JsonValueKind.Array)
        {
            return child.GetArrayLength() > 0 ? child[0] : null;
        }
        return child.ValueKind == JsonValueKind.Null ? null : child;
    }

    /// <summary>The property <paramref name="name"/> of an object, or null.</summary>
    public static JsonElement? Child(this JsonElement? element, string name) => element is { } e ? e.Child(name) : null;

    /// <summary>The items of a repeating element (one item when it does not repeat, none when absent).</summary>
    public static IEnumerable<JsonElement> Children(this JsonElement? element, string name)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e || !e.TryGetProperty(name, out var child))
        {
            yield break;
        }
        if (child.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in child.EnumerateArray())
            {
                yield return item;
            }
        }
        else
        {
            yield return child;
        }
    }

    /// <summary>The string at a dotted path of element names (first item at each step), or null when absent or not a string.</summary>
    public static string? Text(this JsonElement? element, string path)
    {
        var start = 0;
        while (element is not null)
        {
            var dot = path.IndexOf('.', start);
            element = element.Child(dot < 0 ? path[start..] : path[start..dot]);
            if (dot < 0)
            {
                return element is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;
            }
            start = dot + 1;
        }
        return null;
    }

    /// <summary>The string at a dotted path of element names, or null.</summary>
    public static string? Text(this JsonElement element, string path) => ((JsonElement?)element).Text(path);

    /// <summary>
    /// The choice element <c>name[x]</c> (<c>valueQuantity</c>, <c>effectivePeriod</c>...) with its type suffix, or null.
    /// </summary>
    public static (JsonElement Value, string Type)? Choice(this JsonElement? element, string name)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
        {
            return null;
        }
        foreach (var property in e.EnumerateObject())
        {
            var key = property.Name;
            if (key.Length > name.Length && key.StartsWith(name, StringComparison.Ordinal) && char.IsAsciiLetterUpper(key[name.Length]))
            {
                return (property.Value, key[name.Length..]);
            }
        }
        return null;
    }

    /// <summary>The choice element <c>name[x]</c> when it is of <paramref name="type"/>, or null.</summary>
    public static JsonElement? Choice(this JsonElement? element, string name, string type) =>
        element.Choice(name) is ({ } value, var t) && t == type ? value : null;

    /// <summary>The text of a primitive choice element (<c>valueDate</c>, <c>effectiveDateTime</c>...), or null.</summary>
    public static string? ChoiceText(this JsonElement? element, string name) =>
        element.Choice(name) is ({ ValueKind: JsonValueKind.String } value, _) ? value.GetString() : null;

    /// <summary>The extension with <paramref name="url"/> directly on <paramref name="element"/>, or null.</summary>
    public static JsonElement? Extension(this JsonElement? element, string url)
    {
        foreach (var extension in element.Children("extension"))
        {
            if (extension.Text("url") == url)
            {
                return extension;
            }
        }
        return null;
    }

    /// <summary>The code of the first coding of a CodeableConcept with <paramref name="system"/> (any system when null).</summary>
    public static string? Code(this JsonElement? concept, string? system)
    {
        foreach (var coding in concept.Children("coding"))
        {
            if (system is null || coding.Text("system") == system)
            {
                return coding.Text("code");
            }
        }
        return null;
    }

    /// <summary>The id in a relative reference (<c>Patient/123</c>, also absolute URLs) of the given type, or null.</summary>
    public static string? ReferenceId(this JsonElement? reference, string type)
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

    /// <summary>The items of a repeating element.</summary>
    public static IEnumerable<JsonElement> Children(this JsonElement element, string name) => ((JsonElement?)element).Children(name);

    /// <summary>The choice element <c>name[x]</c> with its type suffix, or null.</summary>
    public static (JsonElement Value, string Type)? Choice(this JsonElement element, string name) => ((JsonElement?)element).Choice(name);

    /// <summary>The choice element <c>name[x]</c> when it is of <paramref name="type"/>, or null.</summary>
    public static JsonElement? Choice(this JsonElement element, string name, string type) => ((JsonElement?)element).Choice(name, type);

    /// <summary>The text of a primitive choice element, or null.</summary>
    public static string? ChoiceText(this JsonElement element, string name) => ((JsonElement?)element).ChoiceText(name);

    /// <summary>The extension with <paramref name="url"/> directly on <paramref name="element"/>, or null.</summary>
    public static JsonElement? Extension(this JsonElement element, string url) => ((JsonElement?)element).Extension(url);
}
