using System.Text.Json.Nodes;
using System.Xml.Linq;
using Fhir.Core.Definitions;

namespace Fhir.Server.Tests.Support;

/// <summary>
/// Converts FHIR XML to FHIR JSON for test data written in XML (the server and the engines speak JSON only). Driven by the
/// definitions: element types from <see cref="FhirDefinitions.FindType"/>, arrays from <see cref="ElementDefinitionInfo.IsCollection"/>,
/// primitives from <c>value</c> attributes (JSON numbers and booleans by type, <c>_name</c> for their id and extensions),
/// <c>id</c> and <c>url</c> attributes, nested resources in <c>contained</c> and <c>resource</c>, and the xhtml <c>div</c> as a string.
/// Enough for test suites; not a validating parser.
/// </summary>
public static class FhirXml
{
    public static readonly XNamespace Fhir = "http://hl7.org/fhir";

    /// <summary>A resource element (<c>&lt;Patient xmlns="http://hl7.org/fhir"&gt;</c>) as a JSON object.</summary>
    public static JsonObject ToJson(XElement resource, FhirDefinitions? definitions = null)
    {
        definitions ??= FhirDefinitions.R4;
        var type = definitions.FindType(resource.Name.LocalName) is { IsResource: true } t
            ? t
            : throw new InvalidDataException($"<{resource.Name.LocalName}> is not a FHIR resource type.");
        var json = new JsonObject { ["resourceType"] = type.Name };
        Fill(json, resource, type, definitions);
        return json;
    }

    private static void Fill(JsonObject json, XElement element, TypeDefinition type, FhirDefinitions definitions)
    {
        foreach (var attribute in element.Attributes())
        {
            // id and url are the only FHIR attributes on complex elements; xmlns declarations are not content.
            if (!attribute.IsNamespaceDeclaration && attribute.Name.LocalName is "id" or "url")
            {
                json[attribute.Name.LocalName] = attribute.Value;
            }
        }
        foreach (var group in element.Elements().GroupBy(e => e.Name.LocalName))
        {
            var name = group.Key;
            if (!type.TryResolveJsonName(name, out var definition, out var choice))
            {
                throw new InvalidDataException($"{type.Name} has no element '{name}'.");
            }
            var childType = choice is not null
                ? definitions.FindType(choice.Code)!
                : definition.NestedType ?? definitions.FindType(definition.Types[0].Code)!;
            var items = group.ToList();
            if (childType.IsPrimitive)
            {
                AddPrimitives(json, name, items, childType, definition.IsCollection, definitions);
                continue;
            }
            var values = items.Select(item => (JsonNode)(childType.IsResource
                ? ToJson(item.Elements().Single(), definitions)
                : Complex(item, childType, definitions))).ToList();
            json[name] = definition.IsCollection ? new JsonArray([.. values]) : values.Single();
        }
    }

    private static JsonObject Complex(XElement element, TypeDefinition type, FhirDefinitions definitions)
    {
        var json = new JsonObject();
        Fill(json, element, type, definitions);
        return json;
    }

    private static void AddPrimitives(JsonObject json, string name, List<XElement> items, TypeDefinition type, bool isList, FhirDefinitions definitions)
    {
        var values = new List<JsonNode?>();
        var extras = new List<JsonNode?>();
        foreach (var item in items)
        {
            if (type.Name == "xhtml")
            {
                values.Add(JsonValue.Create(item.ToString(SaveOptions.DisableFormatting)));
                extras.Add(null);
                continue;
            }
            values.Add(item.Attribute("value") is { } value ? Primitive(value.Value, type) : null);
            var extra = new JsonObject();
            if (item.Attribute("id") is { } id)
            {
                extra["id"] = id.Value;
            }
            var extensions = item.Elements(Fhir + "extension").Select(e => (JsonNode)Complex(e, definitions.FindType("Extension")!, definitions)).ToList();
            if (extensions.Count > 0)
            {
                extra["extension"] = new JsonArray([.. extensions]);
            }
            extras.Add(extra.Count > 0 ? extra : null);
        }
        if (values.Any(v => v is not null))
        {
            json[name] = isList ? new JsonArray([.. values]) : values.Single();
        }
        if (extras.Any(e => e is not null))
        {
            json["_" + name] = isList ? new JsonArray([.. extras]) : extras.Single();
        }
    }

    private static JsonNode Primitive(string text, TypeDefinition type) => type.Name switch
    {
        "boolean" => JsonValue.Create(text == "true"),
        "integer" or "positiveInt" or "unsignedInt" or "decimal" => JsonNode.Parse(text)!, // keeps a decimal's digits as written
        _ => JsonValue.Create(text),
    };
}
