using Fhir.Core.Model;

namespace Fhir.Path.Evaluation;

/// <summary>The state of one evaluation: the context, the environment and the iteration variables.</summary>
internal sealed class Frame
{
    private DateTimeOffset? _now;

    private ElementNode? _resource;
    private ElementNode? _rootResource;
    private bool _resourcesFound;
    private Dictionary<ElementNode, Dictionary<string, ElementNode>?>? _bundleIndexes;

    public Frame(EvaluationContext context, IReadOnlyList<object> input)
    {
        Context = context;
        Input = input;
    }

    public EvaluationContext Context { get; }

    /// <summary><c>%context</c>: the original input.</summary>
    public IReadOnlyList<object> Input { get; }

    /// <summary><c>%resource</c>.</summary>
    public ElementNode? Resource
    {
        get
        {
            FindResources();
            return _resource;
        }
    }

    /// <summary><c>%rootResource</c>.</summary>
    public ElementNode? RootResource
    {
        get
        {
            FindResources();
            return _rootResource;
        }
    }

    /// <summary>
    /// The entries of a Bundle by fullUrl and by type/id, built on the second resolution in the same Bundle within an
    /// evaluation (a single resolution scans instead); null until then.
    /// </summary>
    public Dictionary<string, ElementNode>? BundleIndex(ElementNode bundle, Func<ElementNode, Dictionary<string, ElementNode>> build)
    {
        _bundleIndexes ??= new Dictionary<ElementNode, Dictionary<string, ElementNode>?>(ReferenceEqualityComparer.Instance);
        if (!_bundleIndexes.TryGetValue(bundle, out var index))
        {
            _bundleIndexes[bundle] = null;
            return null;
        }
        return index ??= _bundleIndexes[bundle] = build(bundle);
    }

    private void FindResources()
    {
        if (_resourcesFound)
        {
            return;
        }
        var first = Input.Count > 0 ? Input[0] as ElementNode : null;
        _resource = Context.Resource ?? NearestResource(first);
        _rootResource = Context.RootResource ?? TopResource(_resource ?? first);
        _resourcesFound = true;
    }

    /// <summary><c>$index</c>, or -1 outside an iteration.</summary>
    public int Index { get; set; } = -1;

    /// <summary><c>$total</c>, or null outside <c>aggregate()</c>.</summary>
    public IReadOnlyList<object>? Total { get; set; }

    /// <summary>Variables defined by <c>defineVariable()</c>, innermost first; scoped by the function arguments they are defined in.</summary>
    public VariableScope? Defined { get; set; }

    public bool IsDefined(string name) => TryGetDefined(name, out _);

    public bool TryGetDefined(string name, out IReadOnlyList<object> value)
    {
        for (var scope = Defined; scope is not null; scope = scope.Outer)
        {
            if (scope.Name == name)
            {
                value = scope.Value;
                return true;
            }
        }
        value = Items.Empty;
        return false;
    }

    public void Define(string name, IReadOnlyList<object> value) => Defined = new VariableScope(name, value, Defined);

    /// <summary>The clock, read once per evaluation so that <c>now()</c> is stable within it.</summary>
    public DateTimeOffset Now => _now ??= Context.Now ?? DateTimeOffset.Now;

    private static ElementNode? NearestResource(ElementNode? node)
    {
        for (var n = node; n is not null; n = n.Parent)
        {
            if (n.IsResource)
            {
                return n;
            }
        }
        return null;
    }

    private static ElementNode? TopResource(ElementNode? node)
    {
        ElementNode? top = null;
        for (var n = node; n is not null; n = n.Parent)
        {
            if (n.IsResource)
            {
                top = n;
                // A resource in Bundle.entry.resource is a root of its own; only contained resources have a root above them.
                if (n.Parent is null || n.Name != "contained")
                {
                    return top;
                }
            }
        }
        return top;
    }
}

/// <summary>One variable defined by <c>defineVariable()</c> and the scope it was defined in.</summary>
internal sealed record VariableScope(string Name, IReadOnlyList<object> Value, VariableScope? Outer);
