using Fhir.Core.Json;

namespace Fhir.Server.Bulk;

/// <summary>
/// <c>_elements</c> of a Bulk Data export, per type: names given without a type (<c>id</c>) apply to every type, names
/// given as <c>Type.element</c> to that type. A type the client named no element for comes whole. A selected resource
/// keeps its mandatory elements and is tagged SUBSETTED (<see cref="FhirJsonWriter"/>, as for searches).
/// </summary>
internal sealed class ElementSelection
{
    private readonly HashSet<string>? common;
    private readonly Dictionary<string, HashSet<string>> byType = new(StringComparer.Ordinal);

    public ElementSelection(IReadOnlyList<string>? elements)
    {
        foreach (var element in elements ?? [])
        {
            var dot = element.IndexOf('.');
            if (dot < 0)
            {
                (common ??= new HashSet<string>(StringComparer.Ordinal)).Add(element);
            }
            else
            {
                var type = element[..dot];
                if (!byType.TryGetValue(type, out var set))
                {
                    byType[type] = set = new HashSet<string>(StringComparer.Ordinal);
                }
                set.Add(element[(dot + 1)..]);
            }
        }
    }

    /// <summary>How resources of <paramref name="type"/> are written: null for as stored.</summary>
    public FhirJsonWriterOptions? For(string type)
    {
        var own = byType.GetValueOrDefault(type);
        if (own is null && common is null)
        {
            return null;
        }
        var names = new HashSet<string>(own ?? [], StringComparer.Ordinal);
        if (common is not null)
        {
            names.UnionWith(common);
        }
        return new FhirJsonWriterOptions { Elements = names };
    }
}
