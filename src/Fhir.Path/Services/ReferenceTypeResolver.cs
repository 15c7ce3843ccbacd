using Fhir.Core.Definitions;
using Fhir.Core.Model;

namespace Fhir.Path.Services;

/// <summary>
/// Resolves a literal reference (<c>Patient/123</c>, <c>http://server/fhir/Patient/123/_history/2</c>) to an empty
/// resource of the referenced type carrying only its id, unless an inner resolver finds the real resource. That is
/// enough for <c>resolve() is Patient</c>, the only way R4's search parameters use <c>resolve()</c>, without reading
/// the referenced resource.
/// </summary>
public sealed class ReferenceTypeResolver : IReferenceResolver
{
    private readonly IReferenceResolver? _inner;
    private readonly FhirDefinitions _definitions;

    /// <summary>Creates the resolver.</summary>
    /// <param name="inner">A resolver to ask first (a store lookup); null to always answer with the type only.</param>
    /// <param name="definitions">The definitions giving the resource types; R4 when null.</param>
    public ReferenceTypeResolver(IReferenceResolver? inner = null, FhirDefinitions? definitions = null)
    {
        _inner = inner;
        _definitions = definitions ?? FhirDefinitions.R4;
    }

    /// <inheritdoc />
    public ElementNode? Resolve(string reference, ElementNode? source)
    {
        if (_inner?.Resolve(reference, source) is { } found)
        {
            return found;
        }
        var path = reference;
        var history = path.IndexOf("/_history/", StringComparison.Ordinal);
        if (history >= 0)
        {
            path = path[..history];
        }
        if (path.Contains('?', StringComparison.Ordinal) || path.StartsWith('#'))
        {
            return null;
        }
        var idSlash = path.LastIndexOf('/');
        if (idSlash <= 0 || idSlash == path.Length - 1)
        {
            return null;
        }
        var typeSlash = path.LastIndexOf('/', idSlash - 1);
        var typeName = path[(typeSlash + 1)..idSlash];
        if (!_definitions.IsResourceType(typeName) || _definitions.FindType(typeName) is not { } type)
        {
            return null;
        }
        var resource = new ElementNode(typeName, type);
        if (type.FindElement("id") is { } idElement && _definitions.FindType("System.String") is { } text)
        {
            resource.Add(new ElementNode("id", text, idElement) { Value = path[(idSlash + 1)..] });
        }
        return resource;
    }
}
