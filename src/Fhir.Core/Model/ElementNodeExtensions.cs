using System.Globalization;
using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Primitives;

namespace Fhir.Core.Model;

/// <summary>Small conveniences to read and set values in an <see cref="ElementNode"/> tree by element name.</summary>
public static class ElementNodeExtensions
{
    /// <summary>
    /// Sets the primitive child <paramref name="name"/> to <paramref name="value"/>: the existing node keeps its
    /// id and extensions and gets the new value (any other nodes of the element are removed), or a node is
    /// created in canonical order. A choice element is named by its JSON name (<c>valueString</c>), or by its
    /// name when the value's CLR type picks the type (string, bool, int, decimal).
    /// </summary>
    /// <param name="parent">The node that gets the child.</param>
    /// <param name="name">The element name or a choice element's JSON name.</param>
    /// <param name="value">
    /// The value: <see cref="string"/>, <see cref="bool"/>, <see cref="int"/> (or another integer type in range),
    /// <see cref="decimal"/> (or <see cref="double"/>); dates and times may also be given as
    /// <see cref="DateTimeOffset"/>, <see cref="DateTime"/>, <see cref="DateOnly"/> or <see cref="TimeOnly"/>.
    /// </param>
    /// <returns>The primitive node.</returns>
    /// <exception cref="ArgumentException">When the element does not exist, is not primitive, or the value is not valid for its type.</exception>
    public static ElementNode SetPrimitive(this ElementNode parent, string name, object value)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var (element, type) = Resolve(parent, name, value);
        if (!type.IsPrimitive)
        {
            throw new ArgumentException($"'{name}' in {parent.Type.Name} is a {type.Name}, not a primitive.", nameof(name));
        }
        var kind = PropertyMap.KindOf(parent.Type, element, type);
        var normalized = Normalize(kind, type, value, name);

        ElementNode? kept = null;
        List<ElementNode>? others = null;
        foreach (var child in parent.Children)
        {
            if (child.Name != element.Name)
            {
                continue;
            }
            if (kept is null && ReferenceEquals(child.Type, type))
            {
                kept = child;
            }
            else
            {
                (others ??= []).Add(child);
            }
        }
        if (others is not null)
        {
            foreach (var other in others)
            {
                parent.Remove(other);
            }
        }
        if (kept is null)
        {
            kept = new ElementNode(element.Name, type, element);
            parent.Add(kept);
        }
        kept.Value = normalized;
        kept.DecimalText = null; // the decimal's own scale is its text now
        return kept;
    }

    /// <summary>
    /// The first complex child <paramref name="name"/> (a choice element by its JSON name, <c>valueQuantity</c>),
    /// created empty in canonical order when there is none.
    /// </summary>
    /// <exception cref="ArgumentException">When the element does not exist or is primitive or a resource.</exception>
    public static ElementNode GetOrAddComplex(this ElementNode parent, string name)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(name);
        var (element, type) = Resolve(parent, name, value: null);
        if (type.IsPrimitive || type.Kind == TypeKind.Resource)
        {
            throw new ArgumentException($"'{name}' in {parent.Type.Name} is a {type.Name}, not a complex element.", nameof(name));
        }
        ElementNode? other = null;
        foreach (var child in parent.Children)
        {
            if (child.Name == element.Name)
            {
                if (ReferenceEquals(child.Type, type))
                {
                    return child;
                }
                other = child;
            }
        }
        if (other is not null && !element.IsCollection)
        {
            parent.Remove(other); // a choice element switches type
        }
        var node = new ElementNode(element.Name, type, element);
        parent.Add(node);
        return node;
    }

    /// <summary>
    /// The value of the primitive child <paramref name="name"/> (element name, or a choice element's JSON name)
    /// as text: strings as they are, booleans as <c>true</c>/<c>false</c>, numbers as written; null when absent or without a value.
    /// </summary>
    public static string? GetString(this ElementNode node, string name)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(name);
        foreach (var child in node.Children)
        {
            if (!child.Type.IsPrimitive)
            {
                continue;
            }
            if (child.Name == name || (child.Definition is { IsChoice: true } && name.StartsWith(child.Name, StringComparison.Ordinal) && child.JsonName == name))
            {
                return child.Value switch
                {
                    null => null,
                    string text => text,
                    bool flag => flag ? "true" : "false",
                    decimal number => child.DecimalText ?? number.ToString(CultureInfo.InvariantCulture),
                    var other => Convert.ToString(other, CultureInfo.InvariantCulture),
                };
            }
        }
        return null;
    }

    private static (ElementDefinitionInfo Element, TypeDefinition Type) Resolve(ElementNode parent, string name, object? value)
    {
        var owner = parent.Type;
        var definitions = owner.Definitions;
        if (owner.TryResolveJsonName(name, out var element, out var choice))
        {
            var type = choice is not null
                ? definitions.FindType(choice.Code)
                : element.NestedType ?? (element.Types.Count > 0 ? definitions.FindType(element.Types[0].Code) : null);
            return (element, type ?? throw new ArgumentException($"The type of '{name}' in {owner.Name} is not defined.", nameof(name)));
        }
        if (owner.FindElement(name) is { IsChoice: true } choiceElement)
        {
            // A bare choice name: the value's CLR type picks the FHIR type when that type is allowed.
            var code = value switch
            {
                string => "string",
                bool => "boolean",
                int => "integer",
                decimal => "decimal",
                _ => null,
            };
            foreach (var allowed in choiceElement.Types)
            {
                if (allowed.Code == code)
                {
                    return (choiceElement, definitions.FindType(code)!);
                }
            }
            throw new ArgumentException(
                $"'{name}' in {owner.Name} is a choice element: name it with its type, e.g. '{name}{choiceElement.Types[0].ChoiceSuffix}'.", nameof(name));
        }
        throw new ArgumentException($"{owner.Name} has no element '{name}'.", nameof(name));
    }

    private static object Normalize(PrimitiveKind kind, TypeDefinition type, object value, string name)
    {
        string? reason;
        object result;
        switch (PrimitiveChecks.TokenOf(kind))
        {
            case JsonPrimitiveToken.Boolean:
                result = value as bool? ?? throw Mismatch(name, type, value);
                return result;
            case JsonPrimitiveToken.Number when kind == PrimitiveKind.Decimal:
                return value switch
                {
                    decimal d => d,
                    double or float or int or long or short or byte => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
                    _ => throw Mismatch(name, type, value),
                };
            case JsonPrimitiveToken.Number:
                var number = value switch
                {
                    int or long or short or byte or uint or ushort or sbyte => Convert.ToInt64(value, CultureInfo.InvariantCulture),
                    _ => throw Mismatch(name, type, value),
                };
                reason = PrimitiveChecks.CheckString(kind, number.ToString(CultureInfo.InvariantCulture));
                return reason is null ? (int)number : throw Invalid(name, type, value, reason);
            default:
                var text = value switch
                {
                    string s => s,
                    DateTimeOffset moment => FormatMoment(moment),
                    DateTime moment => FormatMoment(moment.Kind == DateTimeKind.Local ? new DateTimeOffset(moment) : new DateTimeOffset(moment, TimeSpan.Zero)),
                    DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    TimeOnly time => time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
                    Uri uri => uri.OriginalString,
                    _ => throw Mismatch(name, type, value),
                };
                reason = PrimitiveChecks.CheckString(kind, text, type.ValuePattern);
                return reason is null ? text : throw Invalid(name, type, value, reason);
        }
    }

    private static string FormatMoment(DateTimeOffset moment) => moment.Offset == TimeSpan.Zero
        ? moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
        : moment.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    private static ArgumentException Mismatch(string name, TypeDefinition type, object value) =>
        new($"'{name}' is a {type.Name}: a {value.GetType().Name} cannot be its value.", nameof(value));

    private static ArgumentException Invalid(string name, TypeDefinition type, object value, string reason) =>
        new($"'{value}' is not a valid {type.Name} for '{name}': {reason}.", nameof(value));
}
