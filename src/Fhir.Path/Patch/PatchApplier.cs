using System.Text.RegularExpressions;
using Fhir.Core.Definitions;
using Fhir.Core.Model;

namespace Fhir.Path.Patch;

/// <summary>
/// Applies operations to one resource tree (the caller's copy), following the rules of FHIR R4 fhirpatch.html: a path
/// selects exactly one element (delete: zero is a no-op), or for insert and move the whole of one list; the value must
/// fit the element it goes to; paths may not reach outside the resource.
/// </summary>
internal sealed partial class PatchApplier(ElementNode root, FhirDefinitions definitions, PatchBudget? budget = null)
{
    private readonly ValueBuilder _values = new(definitions);

    public PatchFailure? Apply(PatchOperation operation)
    {
        var (nodes, failure) = Select(operation, operation.Path, operation.PathText);
        if (failure is not null)
        {
            return failure;
        }
        return operation.Type switch
        {
            PatchOperationType.Add => Add(operation, nodes!),
            PatchOperationType.Insert => Insert(operation, nodes!),
            PatchOperationType.Delete => Delete(operation, nodes!),
            PatchOperationType.Replace => Replace(operation, nodes!),
            _ => Move(operation, nodes!),
        };
    }

    private PatchFailure? Add(PatchOperation operation, IReadOnlyList<ElementNode> nodes)
    {
        if (Single(nodes) is not { } target)
        {
            return nodes.Count == 0 ? Fail(operation, $"No content found at {operation.PathText} when adding.", operation.PathText) : Many(operation, nodes);
        }
        var name = operation.Name!;
        if (ValueBuilder.Resolve(target.Type, name) is not { } resolved)
        {
            return Fail(operation, $"{target.Location} is a {target.Type.Name}, which has no element '{name}'.", target.Location);
        }
        var (element, choice) = resolved;
        if (!element.IsCollection && target.Child(element.Name) is { } existing)
        {
            return Fail(operation, $"{existing.Location} already exists and does not repeat: add only fills an absent element or appends to a list (use replace).", existing.Location);
        }
        var (node, error, location) = _values.Build(element, element.Name, choice, operation.Value!, operation.ValueLocation!);
        if (node is null)
        {
            return Fail(operation, error!, location);
        }
        if (budget?.Add(operation, target, node, replaced: null) is { } tooLarge)
        {
            return tooLarge;
        }
        target.Add(node);
        return null;
    }

    private PatchFailure? Insert(PatchOperation operation, IReadOnlyList<ElementNode> nodes)
    {
        var (parent, element, count, failure) = List(operation, nodes);
        if (failure is not null)
        {
            return failure;
        }
        if (operation.InsertIndex > count)
        {
            return Fail(operation, $"the index {operation.InsertIndex} is beyond the end of the list ({count} items; insert takes 0 to {count}).", operation.PathText);
        }
        var (node, error, location) = _values.Build(element!, element!.Name, null, operation.Value!, operation.ValueLocation!);
        if (node is null)
        {
            return Fail(operation, error!, location);
        }
        if (budget?.Add(operation, parent!, node, replaced: null) is { } tooLarge)
        {
            return tooLarge;
        }
        parent!.InsertAt(node, operation.InsertIndex);
        return null;
    }

    private PatchFailure? Delete(PatchOperation operation, IReadOnlyList<ElementNode> nodes)
    {
        if (nodes.Count == 0)
        {
            return null; // the specification: delete the element "if found"
        }
        if (Single(nodes) is not { } target)
        {
            return Fail(operation, $"{operation.PathText} selects {nodes.Count} elements; delete removes one element at a time.", operation.PathText);
        }
        if (target.Parent is not { } parent)
        {
            return Fail(operation, "the resource itself cannot be deleted by a patch.", target.Location);
        }
        parent.Remove(target);
        budget?.Remove(target);
        // An element left without content is not valid FHIR: remove emptied ancestors up to the nearest resource.
        for (var node = parent; node is { IsResource: false, Value: null, Children.Count: 0, Parent: { } up }; node = up)
        {
            up.Remove(node);
        }
        return null;
    }

    private PatchFailure? Replace(PatchOperation operation, IReadOnlyList<ElementNode> nodes)
    {
        if (Single(nodes) is not { } target)
        {
            return nodes.Count == 0 ? Fail(operation, $"No content found at {operation.PathText} when replacing.", operation.PathText) : Many(operation, nodes);
        }
        if (target.Parent is not { } parent || target.Definition is not { } element)
        {
            return Fail(operation, "the resource itself cannot be replaced by a patch.", target.Location);
        }
        var (node, error, location) = _values.Build(element, target.Name, null, operation.Value!, operation.ValueLocation!);
        if (node is null)
        {
            return Fail(operation, error!, location);
        }
        if (budget?.Add(operation, parent, node, replaced: target) is { } tooLarge)
        {
            return tooLarge;
        }
        var index = target.IndexAmongSiblings();
        parent.Remove(target);
        parent.InsertAt(node, index);
        return null;
    }

    private PatchFailure? Move(PatchOperation operation, IReadOnlyList<ElementNode> nodes)
    {
        var (parent, element, count, failure) = List(operation, nodes);
        if (failure is not null)
        {
            return failure;
        }
        if (operation.Source >= count || operation.Destination >= count)
        {
            return Fail(operation, $"source {operation.Source} and destination {operation.Destination} must both be indexes of the list (0 to {count - 1}).", operation.PathText);
        }
        var moved = parent!.ChildrenNamed(element!.Name).ElementAt(operation.Source);
        parent.Remove(moved);
        parent.InsertAt(moved, operation.Destination);
        return null;
    }

    /// <summary>
    /// The list an insert or move works on: the path selects every item of one repeating element of one parent. An
    /// empty list selects nothing, so then a path ending in <c>.name</c> is read as that element of the single element
    /// its prefix selects.
    /// </summary>
    private (ElementNode? Parent, ElementDefinitionInfo? Element, int Count, PatchFailure? Failure) List(PatchOperation operation, IReadOnlyList<ElementNode> nodes)
    {
        if (nodes.Count > 0)
        {
            var first = nodes[0];
            if (first.Parent is not { } parent || first.Definition is not { } element)
            {
                return (null, null, 0, Fail(operation, $"{operation.PathText} selects the resource, not a list.", operation.PathText));
            }
            var siblings = parent.ChildrenNamed(first.Name).ToList();
            if (!element.IsCollection)
            {
                return (null, null, 0, Fail(operation, $"{element.Path} is not a list.", first.Location));
            }
            if (nodes.Count != siblings.Count || !nodes.All(n => ReferenceEquals(n.Parent, parent) && n.Name == first.Name))
            {
                return (null, null, 0, Fail(operation, $"{operation.PathText} must select a whole list (all the items of one repeating element), not part of one or several.", operation.PathText));
            }
            return (parent, element, siblings.Count, null);
        }
        if (operation.Type == PatchOperationType.Move)
        {
            return (null, null, 0, Fail(operation, $"No content found at {operation.PathText}: there is no list to move within.", operation.PathText));
        }
        var match = LastStep().Match(operation.PathText);
        if (!match.Success)
        {
            return (null, null, 0, Fail(operation, $"No content found at {operation.PathText}; an empty list can be inserted into only by a path ending in its element name.", operation.PathText));
        }
        var prefix = match.Groups["prefix"].Value;
        if (!FhirPathCompiler.TryCompile(prefix, out var compiled, out _))
        {
            return (null, null, 0, Fail(operation, $"No content found at {operation.PathText}.", operation.PathText));
        }
        var (owners, failure) = Select(operation, compiled!, prefix);
        if (failure is not null)
        {
            return (null, null, 0, failure);
        }
        if (owners!.Count != 1)
        {
            return (null, null, 0, Fail(operation, $"No content found at {operation.PathText}: {prefix} selects {owners.Count} elements, and insert needs one list.", operation.PathText));
        }
        var owner = owners[0];
        var name = match.Groups["name"].Value;
        if (owner.Type.FindElement(name) is not { IsChoice: false } listElement)
        {
            return (null, null, 0, Fail(operation, $"{owner.Location} is a {owner.Type.Name}, which has no element '{name}'.", owner.Location));
        }
        if (!listElement.IsCollection)
        {
            return (null, null, 0, Fail(operation, $"{listElement.Path} is not a list: use add.", owner.Location));
        }
        return (owner, listElement, 0, null);
    }

    /// <summary>Evaluates a path on the resource: the elements it selects, all of them inside this resource.</summary>
    private (IReadOnlyList<ElementNode>?, PatchFailure?) Select(PatchOperation operation, CompiledExpression path, string pathText)
    {
        IReadOnlyList<object> items;
        try
        {
            items = path.Evaluate(root);
        }
        catch (FhirPathException e)
        {
            return (null, Fail(operation, $"the path {pathText} could not be evaluated: {e.Message}", pathText));
        }
        var nodes = new List<ElementNode>(items.Count);
        foreach (var item in items)
        {
            if (item is not ElementNode node)
            {
                return (null, Fail(operation, $"the path {pathText} selects a computed value ({item}), not an element of the resource.", pathText));
            }
            if (!IsInside(node))
            {
                // fhirpatch.html: a patch alters only its target resource, so resolve() may only reach contained resources.
                return (null, Fail(operation, $"the path {pathText} reaches outside the resource being patched.", pathText));
            }
            nodes.Add(node);
        }
        return (nodes, null);
    }

    private bool IsInside(ElementNode node)
    {
        var top = node;
        while (top.Parent is not null)
        {
            top = top.Parent;
        }
        return ReferenceEquals(top, root);
    }

    private static ElementNode? Single(IReadOnlyList<ElementNode> nodes) => nodes.Count == 1 ? nodes[0] : null;

    private static PatchFailure Many(PatchOperation operation, IReadOnlyList<ElementNode> nodes) =>
        Fail(operation, $"{operation.PathText} selects {nodes.Count} elements; the path must select exactly one.", operation.PathText);

    private static PatchFailure Fail(PatchOperation operation, string message, string? location) =>
        new($"{operation.Describe()}: {message}", location, IsMalformed: false, operation.Index);

    // A path whose last step is a plain element name: "Patient.name[0].given" → prefix "Patient.name[0]", name "given".
    [GeneratedRegex(@"^(?<prefix>.+)\.(?<name>[A-Za-z][A-Za-z0-9_]*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex LastStep();
}
