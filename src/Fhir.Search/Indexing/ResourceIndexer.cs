using System.Collections.Concurrent;
using Fhir.Core.Model;
using Fhir.Path;
using Fhir.Path.Services;
using Fhir.Search.Parameters;
using Fhir.Search.Queries;

namespace Fhir.Search.Indexing;

/// <summary>
/// Extracts the search index of a resource: evaluates the FHIRPath expression of every supported
/// search parameter of its type (compiled once, cached) and turns each value found into index
/// values of the parameter's type.
/// </summary>
public sealed class ResourceIndexer(SearchParameterRegistry registry)
{
    private readonly ConcurrentDictionary<string, IndexPlan> _plans = new(StringComparer.Ordinal);

    // Search expressions use resolve() only as "resolve() is Patient": the reference's type answers that without a read.
    private readonly ReferenceTypeResolver _resolver = new();

    /// <summary>The search parameters this indexer uses.</summary>
    public SearchParameterRegistry Registry { get; } = registry;

    /// <summary>The index values of <paramref name="resource"/> for every supported parameter of its type.</summary>
    public IReadOnlyList<IndexValue> Extract(ElementNode resource) => Extract(resource, codes: null);

    /// <summary>
    /// The index values of <paramref name="resource"/> for only the parameters named in
    /// <paramref name="codes"/> (all when null): a reindex after one parameter changed rebuilds
    /// only that parameter's rows.
    /// </summary>
    public IReadOnlyList<IndexValue> Extract(ElementNode resource, IReadOnlySet<string>? codes)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var plan = _plans.GetOrAdd(resource.Type.Name, BuildPlan);
        var values = new List<IndexValue>(32);
        var context = new EvaluationContext { Resource = resource, RootResource = resource, Resolver = _resolver };
        foreach (var (parameter, expression) in plan.Parameters)
        {
            if (codes is not null && !codes.Contains(parameter.Code))
            {
                continue;
            }
            foreach (var item in expression.Evaluate(resource, context))
            {
                if (item is ElementNode node)
                {
                    IndexValues.Add(values, parameter.Code, parameter.Type, node);
                }
            }
        }
        var group = 0;
        foreach (var composite in plan.Composites)
        {
            // Component rows are coded "<parameter>$<n>"; the parameter's own code decides.
            var componentCode = composite.Components[0].Code;
            if (codes is not null && !codes.Contains(componentCode[..componentCode.LastIndexOf('$')]))
            {
                continue;
            }
            foreach (var item in composite.Expression.Evaluate(resource, context))
            {
                if (item is not ElementNode element)
                {
                    continue;
                }
                // Every component value of one element gets the element's group number: a search joins
                // components on it, so they must come from the same component (or the same Observation).
                var first = values.Count;
                var complete = true;
                foreach (var (code, type, expression) in composite.Components)
                {
                    var before = values.Count;
                    foreach (var part in expression.Evaluate(element, context))
                    {
                        if (part is ElementNode node)
                        {
                            IndexValues.Add(values, code, type, node);
                        }
                    }
                    complete &= values.Count > before;
                }
                if (!complete)
                {
                    // No search can match an element that lacks a component (code-value-quantity on an Observation
                    // whose value is a CodeableConcept): its rows would only cost writes.
                    values.RemoveRange(first, values.Count - first);
                    continue;
                }
                for (var i = first; i < values.Count; i++)
                {
                    values[i] = values[i] with { Group = group };
                }
                group++;
            }
        }
        return values;
    }

    private IndexPlan BuildPlan(string resourceType)
    {
        var parameters = new List<(SearchParameterInfo, CompiledExpression)>();
        var composites = new List<CompositePlan>();
        foreach (var parameter in Registry.ForType(resourceType))
        {
            // _id and _lastUpdated are columns of the resource table, not index rows.
            if (!parameter.IsSupported || parameter.Code is "_id" or "_lastUpdated")
            {
                continue;
            }
            if (parameter.Type != SearchParamType.Composite)
            {
                parameters.Add((parameter, FhirPathCompiler.Compile(parameter.Expression!)));
                continue;
            }
            var components = new List<(string, SearchParamType, CompiledExpression)>();
            for (var k = 0; k < parameter.Components.Count; k++)
            {
                var component = parameter.Components[k];
                if (Registry.FindByUrl(component.Definition) is not { } definition || definition.Type is SearchParamType.Composite or SearchParamType.Special)
                {
                    components = null;
                    break;
                }
                components.Add((parameter.Code + "$" + k, definition.Type, FhirPathCompiler.Compile(component.Expression)));
            }
            if (components is not null)
            {
                composites.Add(new CompositePlan(FhirPathCompiler.Compile(parameter.Expression!), components));
            }
        }
        return new IndexPlan(parameters, composites);
    }

    private sealed record IndexPlan(
        IReadOnlyList<(SearchParameterInfo Parameter, CompiledExpression Expression)> Parameters,
        IReadOnlyList<CompositePlan> Composites);

    // A composite's element expression and, per component, its index code (composite$k), type and expression relative to the element.
    private sealed record CompositePlan(
        CompiledExpression Expression,
        IReadOnlyList<(string Code, SearchParamType Type, CompiledExpression Expression)> Components);
}
