using Fhir.Core.Model;

namespace Fhir.Bench.Validation;

/// <summary>One input: its name (the example's file name), its JSON text (what node parses) and its parsed tree (what the C# validator walks).</summary>
internal sealed record Input(string Name, string Json, ElementNode Node)
{
    private static readonly HashSet<string> Conformance = ["StructureDefinition", "ValueSet", "CodeSystem", "SearchParameter",
        "ConceptMap", "CompartmentDefinition", "OperationDefinition", "NamingSystem", "CapabilityStatement"];

    /// <summary>Entries when the input is a Bundle.</summary>
    public int BundleEntries => Node.Type.Name == "Bundle" ? Node.ChildrenNamed("entry").Count() : 0;

    /// <summary>
    /// One of the specification's definitional Bundles (all its StructureDefinitions, ValueSets, search parameters...):
    /// a Bundle whose entries are all conformance resources.
    /// </summary>
    public bool IsDefinitional => BundleEntries > 0
        && Node.ChildrenNamed("entry").All(e => e.Child("resource")?.Type.Name is { } t && Conformance.Contains(t));
}

/// <summary>A named list of inputs, each timed on its own in every one of <see cref="Rounds"/> passes.</summary>
internal sealed record InputSet(string Name, int Rounds, IReadOnlyList<Input> Items);

/// <summary>
/// What one validator did with a set: the indexes of the inputs it rejected (with the first error) and the time of
/// each input in each round (<c>Times[round][item]</c>, microseconds).
/// </summary>
internal sealed record SetTimings(string Name, IReadOnlyList<Rejection> Rejected, double[][] Times)
{
    public int Accepted(int count) => count - Rejected.Count;

    /// <summary>Inputs per second over the rounds, counting only the inputs <paramref name="include"/> keeps.</summary>
    public double PerSecond(Func<int, bool> include)
    {
        var micros = 0.0;
        var count = 0;
        foreach (var round in Times)
        {
            for (var i = 0; i < round.Length; i++)
            {
                if (include(i))
                {
                    micros += round[i];
                    count++;
                }
            }
        }
        return micros > 0 ? count / (micros / 1e6) : 0;
    }

    /// <summary>The median over rounds of one input's time, in milliseconds.</summary>
    public double MedianMilliseconds(int item)
    {
        var values = Times.Select(r => r[item]).Order().ToArray();
        return values[values.Length / 2] / 1e3;
    }

    public double MaxMilliseconds(int item) => Times.Max(r => r[item]) / 1e3;
}

/// <summary>An input a validator rejected, with its first error.</summary>
internal sealed record Rejection(int Index, string Error);
