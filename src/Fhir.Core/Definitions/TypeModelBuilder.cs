using System.Text.Json;

namespace Fhir.Core.Definitions;

/// <summary>Builds the <see cref="TypeDefinition"/>s of one StructureDefinition snapshot: its root type and its backbone elements.</summary>
internal static class TypeModelBuilder
{
    private const string SystemTypePrefix = "http://hl7.org/fhirpath/";
    private const string RegexExtension = "http://hl7.org/fhir/StructureDefinition/regex";

    public sealed record Result(TypeDefinition Root, IReadOnlyList<TypeDefinition> Nested);

    public static Result Build(FhirDefinitions definitions, JsonElement sd)
    {
        var typeName = sd.GetProperty("type").GetString()!;
        var kind = sd.GetProperty("kind").GetString() switch
        {
            "primitive-type" => TypeKind.Primitive,
            "complex-type" => TypeKind.Complex,
            "resource" => TypeKind.Resource,
            _ => TypeKind.Logical,
        };
        var baseName = sd.TryGetProperty("baseDefinition", out var b) ? b.GetString()![(b.GetString()!.LastIndexOf('/') + 1)..] : null;
        var isAbstract = sd.TryGetProperty("abstract", out var a) && a.GetBoolean();
        var root = new TypeDefinition(definitions, typeName, kind, baseName, sd.GetProperty("url").GetString(), isAbstract);

        var elements = sd.GetProperty("snapshot").GetProperty("element").EnumerateArray().ToList();
        var rootPath = elements[0].GetProperty("path").GetString()!;
        var paths = elements.Select(e => e.GetProperty("path").GetString()!).ToList();
        var hasChildren = new HashSet<string>(paths.Select(ParentPath).OfType<string>(), StringComparer.Ordinal);

        // One type per path that has children: the root, then each backbone element.
        var owners = new Dictionary<string, (TypeDefinition Type, List<ElementDefinitionInfo> Children)>(StringComparer.Ordinal)
        {
            [rootPath] = (root, []),
        };
        var nested = new List<TypeDefinition>();
        for (var i = 1; i < elements.Count; i++)
        {
            var path = paths[i];
            if (!hasChildren.Contains(path) || owners.ContainsKey(path))
            {
                continue;
            }
            var types = ReadTypes(elements[i]);
            var nestedBase = types.Count == 1 ? types[0].Code : "BackboneElement";
            var type = new TypeDefinition(definitions, typeName + path[rootPath.Length..], TypeKind.Backbone, nestedBase, url: null, isAbstract: false);
            owners[path] = (type, []);
            nested.Add(type);
        }

        for (var i = 1; i < elements.Count; i++)
        {
            var element = elements[i];
            var path = paths[i];
            var parent = ParentPath(path)!;
            if (!owners.TryGetValue(parent, out var owner))
            {
                continue; // a child of a sliced or profiled element deeper than the base model; not part of the type model
            }
            var rawName = path[(parent.Length + 1)..];
            var isChoice = rawName.EndsWith("[x]", StringComparison.Ordinal);
            var name = isChoice ? rawName[..^3] : rawName;
            var types = ReadTypes(element);

            if (kind == TypeKind.Primitive && parent == rootPath && name == "value")
            {
                // A primitive's value is the JSON value itself, not a child element.
                if (types.Count > 0)
                {
                    root.SystemType = types[0].Code;
                    root.ValuePattern = ReadRegex(element);
                }
                continue;
            }

            Func<ElementDefinitionInfo, TypeDefinition?>? nestedType = null;
            if (element.TryGetProperty("contentReference", out var cr))
            {
                var target = cr.GetString()!.TrimStart('#');
                var targetName = typeName + target[rootPath.Length..];
                nestedType = _ => definitions.FindType(targetName);
                if (types.Count == 0)
                {
                    types = [new ElementTypeRef(targetName, [], [])];
                }
            }
            else if (owners.TryGetValue(path, out var own))
            {
                var ownType = own.Type;
                nestedType = _ => ownType;
            }

            owner.Children.Add(new ElementDefinitionInfo(
                name, path, owner.Children.Count,
                element.TryGetProperty("min", out var min) ? min.GetInt32() : 0,
                element.TryGetProperty("max", out var max) ? max.GetString()! : "*",
                isChoice, types,
                isSummary: element.TryGetProperty("isSummary", out var s) && s.GetBoolean(),
                isModifier: element.TryGetProperty("isModifier", out var m) && m.GetBoolean(),
                nestedType));
        }

        foreach (var (type, children) in owners.Values)
        {
            type.SetElements(children);
        }
        return new Result(root, nested);
    }

    private static string? ParentPath(string path)
    {
        var dot = path.LastIndexOf('.');
        return dot < 0 ? null : path[..dot];
    }

    private static List<ElementTypeRef> ReadTypes(JsonElement element)
    {
        var result = new List<ElementTypeRef>();
        if (!element.TryGetProperty("type", out var types))
        {
            return result;
        }
        foreach (var type in types.EnumerateArray())
        {
            var code = type.GetProperty("code").GetString()!;
            if (code.StartsWith(SystemTypePrefix, StringComparison.Ordinal))
            {
                code = code[SystemTypePrefix.Length..];
            }
            result.Add(new ElementTypeRef(code, Strings(type, "profile"), Strings(type, "targetProfile")));
        }
        return result;
    }

    private static string? ReadRegex(JsonElement element)
    {
        foreach (var type in element.GetProperty("type").EnumerateArray())
        {
            if (!type.TryGetProperty("extension", out var extensions))
            {
                continue;
            }
            foreach (var ext in extensions.EnumerateArray())
            {
                if (ext.GetProperty("url").GetString() == RegexExtension && ext.TryGetProperty("valueString", out var v))
                {
                    return v.GetString();
                }
            }
        }
        return null;
    }

    private static IReadOnlyList<string> Strings(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var values) ? [.. values.EnumerateArray().Select(v => v.GetString()!)] : [];
}
