using Fhir.Core.Model;

namespace Fhir.Path.Patch;

/// <summary>
/// Reads a <c>Parameters</c> resource into FHIRPath Patch operations, checking their form: every parameter is an
/// <c>operation</c> made of parts, each part known and given once, the parts each type needs present and no others,
/// and paths that compile. Whether the operations fit the resource is decided when they are applied.
/// </summary>
internal static class OperationReader
{
    private static readonly Dictionary<string, PatchOperationType> Types = new(StringComparer.Ordinal)
    {
        ["add"] = PatchOperationType.Add,
        ["insert"] = PatchOperationType.Insert,
        ["delete"] = PatchOperationType.Delete,
        ["replace"] = PatchOperationType.Replace,
        ["move"] = PatchOperationType.Move,
    };

    // The parts each type takes besides type and path (FHIR R4 fhirpatch.html, the table of operations).
    private static readonly Dictionary<PatchOperationType, string[]> PartsOf = new()
    {
        [PatchOperationType.Add] = ["name", "value"],
        [PatchOperationType.Insert] = ["value", "index"],
        [PatchOperationType.Delete] = [],
        [PatchOperationType.Replace] = ["value"],
        [PatchOperationType.Move] = ["source", "destination"],
    };

    private static readonly string[] KnownParts = ["type", "path", "name", "value", "index", "source", "destination"];

    private static readonly string[] IndexParts = ["index", "source", "destination"];

    public static (IReadOnlyList<PatchOperation>? Operations, PatchFailure? Failure) Read(ElementNode parameters)
    {
        if (parameters.Type.Name != "Parameters")
        {
            return (null, new PatchFailure($"A FHIRPath Patch is a Parameters resource, not a {parameters.Type.Name}.", parameters.Type.Name, IsMalformed: true));
        }
        var operations = new List<PatchOperation>();
        var index = 0;
        foreach (var parameter in parameters.ChildrenNamed("parameter"))
        {
            var (operation, failure) = ReadOperation(parameter, index);
            if (failure is not null)
            {
                return (null, failure);
            }
            operations.Add(operation!);
            index++;
        }
        return (operations, null);
    }

    private static (PatchOperation?, PatchFailure?) ReadOperation(ElementNode parameter, int index)
    {
        var where = $"Parameters.parameter[{index}]";
        PatchFailure Fail(string message, string location) => new($"operation {index}: {message}", location, IsMalformed: true, index);

        if (parameter.GetString("name") is var name && name != "operation")
        {
            return (null, Fail($"the parameter is named '{name}'; a FHIRPath Patch has only parameters named 'operation'.", $"{where}.name"));
        }
        if (parameter.Child("value") is not null || parameter.Child("resource") is not null)
        {
            return (null, Fail("an operation is given as parts (type, path...), not as a value.", where));
        }

        var parts = new Dictionary<string, (ElementNode Part, string Location)>(StringComparer.Ordinal);
        var partIndex = 0;
        foreach (var part in parameter.ChildrenNamed("part"))
        {
            var location = $"{where}.part[{partIndex++}]";
            var partName = part.GetString("name");
            if (partName is null || !KnownParts.Contains(partName))
            {
                return (null, Fail($"'{partName}' is not a part of a FHIRPath Patch operation (expected one of {string.Join(", ", KnownParts)}).", $"{location}.name"));
            }
            if (!parts.TryAdd(partName, (part, location)))
            {
                return (null, Fail($"the part '{partName}' is given more than once.", location));
            }
        }

        if (!parts.TryGetValue("type", out var typePart))
        {
            return (null, Fail("the part 'type' is missing.", where));
        }
        if (Text(typePart.Part) is not { } typeText || !Types.TryGetValue(typeText, out var type))
        {
            return (null, Fail($"the type must be one of add, insert, delete, replace, move (as valueCode), not '{Text(typePart.Part)}'.", typePart.Location));
        }
        if (!parts.TryGetValue("path", out var pathPart))
        {
            return (null, Fail($"the part 'path' is missing ({type.ToString().ToLowerInvariant()} needs it).", where));
        }
        if (Text(pathPart.Part) is not { Length: > 0 } pathText)
        {
            return (null, Fail("the path must be a FHIRPath expression given as valueString.", pathPart.Location));
        }
        var expected = PartsOf[type];
        foreach (var (partName, (_, location)) in parts)
        {
            if (partName is not ("type" or "path") && !expected.Contains(partName))
            {
                return (null, Fail($"{type.ToString().ToLowerInvariant()} does not take the part '{partName}'.", location));
            }
        }
        foreach (var needed in expected)
        {
            if (!parts.ContainsKey(needed))
            {
                return (null, Fail($"the part '{needed}' is missing ({type.ToString().ToLowerInvariant()} needs {string.Join(", ", expected)}).", where));
            }
        }
        if (!FhirPathCompiler.TryCompile(pathText, out var compiled, out var error))
        {
            return (null, Fail($"the path '{pathText}' is not a valid FHIRPath expression: {error!.Message}", pathPart.Location));
        }

        string? elementName = null;
        if (parts.TryGetValue("name", out var namePart) && (elementName = Text(namePart.Part)) is not { Length: > 0 })
        {
            return (null, Fail("the name must be an element name given as valueString.", namePart.Location));
        }
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var numberName in IndexParts)
        {
            if (parts.TryGetValue(numberName, out var numberPart))
            {
                if (numberPart.Part.Child("value")?.Value is not int number || number < 0)
                {
                    return (null, Fail($"the {numberName} must be a list index (valueInteger, 0 or more).", numberPart.Location));
                }
                numbers[numberName] = number;
            }
        }
        ElementNode? value = null;
        string? valueLocation = null;
        if (parts.TryGetValue("value", out var valuePart))
        {
            (value, valueLocation) = valuePart;
            if (CheckValueShape(value, valueLocation) is { } shape)
            {
                return (null, Fail(shape.Message, shape.Location!));
            }
        }

        return (new PatchOperation
        {
            Index = index,
            Type = type,
            PathText = pathText,
            Path = compiled!,
            Name = elementName,
            Value = value,
            ValueLocation = valueLocation,
            InsertIndex = numbers.GetValueOrDefault("index"),
            Source = numbers.GetValueOrDefault("source"),
            Destination = numbers.GetValueOrDefault("destination"),
        }, null);
    }

    /// <summary>A value holds exactly one of value[x], resource or parts; nested parts are named and hold values the same way.</summary>
    private static PatchFailure? CheckValueShape(ElementNode holder, string location)
    {
        var kinds = (holder.Child("value") is null ? 0 : 1) + (holder.Child("resource") is null ? 0 : 1) + (holder.Child("part") is null ? 0 : 1);
        if (kinds != 1)
        {
            return new PatchFailure(kinds == 0
                ? "a value needs content: a value[x], a resource, or parts naming the elements of a complex value."
                : "a value has exactly one of a value[x], a resource or parts.", location, IsMalformed: true);
        }
        var index = 0;
        foreach (var part in holder.ChildrenNamed("part"))
        {
            var partLocation = $"{location}.part[{index++}]";
            if (part.GetString("name") is not { Length: > 0 })
            {
                return new PatchFailure("each part of a complex value names an element.", partLocation, IsMalformed: true);
            }
            if (CheckValueShape(part, partLocation) is { } failure)
            {
                return failure;
            }
        }
        return null;
    }

    /// <summary>The text of a part's string-like value (valueCode, valueString...), or null.</summary>
    private static string? Text(ElementNode part) => part.Child("value")?.Value as string;
}
