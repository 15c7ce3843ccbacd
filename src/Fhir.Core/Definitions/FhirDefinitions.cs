using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;

namespace Fhir.Core.Definitions;

/// <summary>
/// The official FHIR R4 (4.0.1) definitions, loaded from committed data: an index of every
/// conformance resource by canonical URL, and the type model built lazily, one type at a time,
/// from the StructureDefinition snapshots when first asked for.
/// </summary>
public sealed class FhirDefinitions
{
    /// <summary>The FHIR version these definitions describe.</summary>
    public const string FhirVersion = "4.0.1";

    private static readonly Lazy<FhirDefinitions> _r4 = new(() => new FhirDefinitions(DefinitionArchive.OpenEmbeddedR4()));

    /// <summary>The system types of FHIRPath, the values inside FHIR primitives.</summary>
    public static readonly IReadOnlyList<string> SystemTypeNames =
        ["System.Boolean", "System.String", "System.Integer", "System.Decimal", "System.Date", "System.DateTime", "System.Time", "System.Quantity"];

    private readonly DefinitionArchive _archive;
    private readonly FrozenDictionary<string, ConformanceEntry> _byUrl;
    private readonly FrozenDictionary<string, ConformanceEntry> _typeEntries;
    // Lazy per name so that each type is built once, even when first asked for by several threads.
    private readonly ConcurrentDictionary<string, Lazy<TypeDefinition?>> _types = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TypeDefinition> _backbones = new(StringComparer.Ordinal);

    private FhirDefinitions(DefinitionArchive archive)
    {
        _archive = archive;
        Entries = archive.Entries;
        var byUrl = new Dictionary<string, ConformanceEntry>(StringComparer.Ordinal);
        var typeEntries = new Dictionary<string, ConformanceEntry>(StringComparer.Ordinal);
        var resourceTypes = new List<string>();
        foreach (var entry in archive.Entries)
        {
            if (entry.Url is not null)
            {
                byUrl.TryAdd(entry.Url, entry);
            }
            // A type's own definition is its specialisation (Element and Resource have no derivation at all).
            if (entry.ResourceType == "StructureDefinition" && entry.Kind != "logical" && entry.Type is not null
                && entry.Derivation is "specialization" or null && entry.Url == "http://hl7.org/fhir/StructureDefinition/" + entry.Type)
            {
                typeEntries[entry.Type] = entry;
                if (entry.Kind == "resource" && !entry.IsAbstract)
                {
                    resourceTypes.Add(entry.Type);
                }
            }
        }
        _byUrl = byUrl.ToFrozenDictionary(StringComparer.Ordinal);
        _typeEntries = typeEntries.ToFrozenDictionary(StringComparer.Ordinal);
        resourceTypes.Sort(StringComparer.Ordinal);
        ResourceTypeNames = resourceTypes;
        ResourceTypeSet = resourceTypes.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The R4 core definitions (loaded on first use).</summary>
    public static FhirDefinitions R4 => _r4.Value;

    /// <summary>Every conformance resource held: StructureDefinitions, SearchParameters, ValueSets, CodeSystems...</summary>
    public IReadOnlyList<ConformanceEntry> Entries { get; }

    /// <summary>The concrete resource types, sorted.</summary>
    public IReadOnlyList<string> ResourceTypeNames { get; }

    /// <summary>The concrete resource types as a set.</summary>
    public FrozenSet<string> ResourceTypeSet { get; }

    /// <summary>True when <paramref name="name"/> is a concrete resource type.</summary>
    public bool IsResourceType(string name) => ResourceTypeSet.Contains(name);

    /// <summary>
    /// The base type of a type (<c>DomainResource</c> for <c>Observation</c>), read from the index without
    /// building the type model: cheap enough for start-up paths.
    /// </summary>
    public string? BaseTypeName(string typeName)
    {
        if (!_typeEntries.TryGetValue(typeName, out var entry) || entry.BaseDefinition is not { } baseUrl)
        {
            return null;
        }
        return baseUrl[(baseUrl.LastIndexOf('/') + 1)..];
    }

    /// <summary>The conformance resource with this canonical URL (a <c>|version</c> suffix is ignored).</summary>
    public ConformanceEntry? FindByUrl(string url)
    {
        var bar = url.IndexOf('|');
        return _byUrl.GetValueOrDefault(bar < 0 ? url : url[..bar]);
    }

    /// <summary>The JSON (UTF-8) of a conformance resource.</summary>
    public byte[] ReadJson(ConformanceEntry entry) => _archive.ReadBytes(entry.File);

    /// <summary>
    /// The type named <paramref name="name"/>: a resource or data type (<c>Observation</c>, <c>Quantity</c>),
    /// a primitive (<c>date</c>), a system type (<c>System.String</c>) or a backbone element by path
    /// (<c>Observation.component</c>); null when there is no such type.
    /// </summary>
    public TypeDefinition? FindType(string name) =>
        _types.GetOrAdd(name, static (n, self) => new Lazy<TypeDefinition?>(() => self.BuildType(n)), this).Value;

    private TypeDefinition? BuildType(string name)
    {
        if (name.StartsWith("System.", StringComparison.Ordinal))
        {
            return SystemTypeNames.Contains(name) ? new TypeDefinition(this, name, TypeKind.System, null, null, isAbstract: false) : null;
        }
        var dot = name.IndexOf('.');
        if (dot > 0)
        {
            // A backbone element lives in its root type's definition.
            return FindType(name[..dot]) is null ? null : _backbones.GetValueOrDefault(name);
        }
        if (!_typeEntries.TryGetValue(name, out var entry))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(ReadJson(entry));
        var built = TypeModelBuilder.Build(this, doc.RootElement);
        foreach (var nested in built.Nested)
        {
            _backbones[nested.Name] = nested;
        }
        return built.Root;
    }
}
