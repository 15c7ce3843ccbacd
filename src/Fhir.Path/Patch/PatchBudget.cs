using System.Text;
using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Path.Patch;

/// <summary>
/// The patched resource's size as its operations apply (an estimate of its compact JSON and its element count,
/// started from one walk of the resource and then changed by what each operation adds or removes), and the check
/// of each addition against the <see cref="PatchLimits"/> before it is made.
/// </summary>
internal sealed class PatchBudget
{
    private readonly PatchLimits _limits;
    private long _bytes;
    private long _nodes;

    public PatchBudget(PatchLimits limits, ElementNode root)
    {
        _limits = limits;
        (_bytes, _nodes, _) = Measure(root);
    }

    /// <summary>
    /// Counts <paramref name="node"/> about to go under <paramref name="parent"/> in place of <paramref name="replaced"/>
    /// (if any); a failure naming the operation when that would cross a limit, and then nothing is counted.
    /// </summary>
    public PatchFailure? Add(PatchOperation operation, ElementNode parent, ElementNode node, ElementNode? replaced)
    {
        var (bytes, nodes, height) = Measure(node);
        var depth = Depth(parent) + height;
        if (depth > _limits.MaxDepth)
        {
            return Fail(operation, $"would nest the resource {depth} levels deep; the limit is {_limits.MaxDepth}.");
        }
        if (replaced is not null)
        {
            var (oldBytes, oldNodes, _) = Measure(replaced);
            bytes -= oldBytes;
            nodes -= oldNodes;
        }
        if (_bytes + bytes > _limits.MaxBytes)
        {
            return Fail(operation, $"would make the resource about {_bytes + bytes} bytes; the limit is {_limits.MaxBytes}.");
        }
        if (_nodes + nodes > _limits.MaxNodes)
        {
            return Fail(operation, $"would make the resource hold {_nodes + nodes} elements; the limit is {_limits.MaxNodes}.");
        }
        _bytes += bytes;
        _nodes += nodes;
        return null;
    }

    /// <summary>Takes away a removed element.</summary>
    public void Remove(ElementNode node)
    {
        var (bytes, nodes, _) = Measure(node);
        _bytes -= bytes;
        _nodes -= nodes;
    }

    private static PatchFailure Fail(PatchOperation operation, string message) =>
        new($"{operation.Describe()} {message}", operation.PathText, IsMalformed: false, operation.Index) { IsTooLarge = true };

    private static int Depth(ElementNode node)
    {
        var depth = 1;
        for (var up = node.Parent; up is not null; up = up.Parent)
        {
            depth++;
        }
        return depth;
    }

    // Bytes as compact JSON (a member's name, quotes and separators, its value's text), elements, and levels below.
    private static (long Bytes, long Nodes, int Height) Measure(ElementNode node)
    {
        long bytes = node.Name.Length + 4;
        if (node.DecimalText is { } number)
        {
            bytes += number.Length;
        }
        else if (node.Value is string text)
        {
            bytes += Encoding.UTF8.GetByteCount(text) + 2;
        }
        else if (node.Value is { } value)
        {
            bytes += value.ToString()?.Length ?? 4;
        }
        long nodes = 1;
        var height = 0;
        foreach (var child in node.Children)
        {
            var (b, n, h) = Measure(child);
            bytes += b;
            nodes += n;
            height = Math.Max(height, h);
        }
        return (bytes, nodes, node.Children.Count > 0 ? height + 1 : 0);
    }
}
