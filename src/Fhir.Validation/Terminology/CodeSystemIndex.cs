using Fhir.Core.Model;

namespace Fhir.Validation.Terminology;

/// <summary>A local CodeSystem's concepts and hierarchy, for whole-system includes and is-a / descendent-of filters.</summary>
internal sealed class CodeSystemIndex
{
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);

    private CodeSystemIndex(string url, bool complete)
    {
        Url = url;
        Complete = complete;
    }

    public string Url { get; }

    /// <summary>True when the CodeSystem holds all its concepts (<c>content = complete</c>).</summary>
    public bool Complete { get; }

    public HashSet<string> All { get; } = new(StringComparer.Ordinal);

    public static CodeSystemIndex From(ElementNode codeSystem, string url)
    {
        var index = new CodeSystemIndex(url, codeSystem.GetString("content") == "complete");
        index.Walk(codeSystem, parent: null);
        return index;
    }

    /// <summary>The code and everything below it (<paramref name="includeSelf"/>) or only what is below it.</summary>
    public List<string> Descendants(string code, bool includeSelf)
    {
        var result = new List<string>();
        if (includeSelf && All.Contains(code))
        {
            result.Add(code);
        }
        var pending = new Stack<string>();
        pending.Push(code);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            if (_children.TryGetValue(pending.Pop(), out var children))
            {
                foreach (var child in children)
                {
                    if (seen.Add(child))
                    {
                        result.Add(child);
                        pending.Push(child);
                    }
                }
            }
        }
        return result;
    }

    private void Walk(ElementNode holder, string? parent)
    {
        foreach (var concept in holder.ChildrenNamed("concept"))
        {
            if (concept.GetString("code") is not { } code)
            {
                continue;
            }
            All.Add(code);
            if (parent is not null)
            {
                AddChild(parent, code);
            }
            // A hierarchy may also be stated with the "parent" property instead of nesting.
            foreach (var property in concept.ChildrenNamed("property"))
            {
                if (property.GetString("code") is "parent" or "subsumedBy" && property.GetString("valueCode") is { } up)
                {
                    AddChild(up, code);
                }
            }
            Walk(concept, code);
        }
    }

    private void AddChild(string parent, string code)
    {
        if (!_children.TryGetValue(parent, out var list))
        {
            _children[parent] = list = [];
        }
        list.Add(code);
    }
}
