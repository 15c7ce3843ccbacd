namespace Fhir.Path.Parsing;

/// <summary>A node of the parsed expression; <see cref="Position"/> is the offset of its first character.</summary>
internal abstract class Node(int position, int depth = 1)
{
    public int Position { get; } = position;

    /// <summary>The height of the tree under this node (1 for a leaf): compilation and evaluation recurse this deep.</summary>
    public int Depth { get; } = depth;

    protected static int Over(params ReadOnlySpan<Node?> children)
    {
        var max = 0;
        foreach (var child in children)
        {
            if (child is not null && child.Depth > max)
            {
                max = child.Depth;
            }
        }
        return max + 1;
    }
}

/// <summary>A literal: bool, int, long, decimal, string, FhirPathDate, FhirPathDateTime, FhirPathTime or FhirPathQuantity.</summary>
internal sealed class LiteralNode(int position, object value) : Node(position)
{
    public object Value { get; } = value;
}

/// <summary><c>{}</c>.</summary>
internal sealed class EmptyNode(int position) : Node(position);

/// <summary>A literal that lexes but is not a valid value; evaluating it fails.</summary>
internal sealed class InvalidLiteralNode(int position, string text, string reason) : Node(position)
{
    public string Text { get; } = text;

    public string Reason { get; } = reason;
}

/// <summary>An identifier at the start of a path: an element of the focus, or the focus's type name.</summary>
internal sealed class IdentifierNode(int position, string name) : Node(position)
{
    public string Name { get; } = name;
}

/// <summary><c>target.name</c>.</summary>
internal sealed class MemberNode(int position, Node target, string name) : Node(position, Over(target))
{
    public Node Target { get; } = target;

    public string Name { get; } = name;
}

/// <summary><c>target.name(args)</c>, or <c>name(args)</c> on the focus when <see cref="Target"/> is null.</summary>
internal sealed class FunctionNode(int position, Node? target, string name, IReadOnlyList<Node> args)
    : Node(position, Math.Max(Over(target), args.Count == 0 ? 1 : args.Max(a => a.Depth) + 1))
{
    public Node? Target { get; } = target;

    public string Name { get; } = name;

    public IReadOnlyList<Node> Args { get; } = args;
}

/// <summary><c>target[index]</c>.</summary>
internal sealed class IndexerNode(int position, Node target, Node index) : Node(position, Over(target, index))
{
    public Node Target { get; } = target;

    public Node Index { get; } = index;
}

/// <summary><c>+x</c> or <c>-x</c>.</summary>
internal sealed class UnaryNode(int position, string op, Node operand) : Node(position, Over(operand))
{
    public string Op { get; } = op;

    public Node Operand { get; } = operand;
}

/// <summary>A binary operator: arithmetic, comparison, equality, union, membership or boolean.</summary>
internal sealed class BinaryNode(int position, string op, Node left, Node right) : Node(position, Over(left, right))
{
    public string Op { get; } = op;

    public Node Left { get; } = left;

    public Node Right { get; } = right;
}

/// <summary><c>x is T</c> or <c>x as T</c>.</summary>
internal sealed class TypeOperatorNode(int position, string op, Node operand, TypeName type) : Node(position, Over(operand))
{
    public string Op { get; } = op;

    public Node Operand { get; } = operand;

    public TypeName Type { get; } = type;
}

/// <summary><c>$this</c>, <c>$index</c> or <c>$total</c>.</summary>
internal sealed class SpecialNode(int position, string name) : Node(position)
{
    public string Name { get; } = name;
}

/// <summary><c>%name</c>.</summary>
internal sealed class EnvironmentNode(int position, string name) : Node(position)
{
    public string Name { get; } = name;
}

/// <summary>A type specifier: <c>Quantity</c>, <c>FHIR.Patient</c>, <c>System.String</c>.</summary>
internal sealed record TypeName(string? Namespace, string Name, int Position)
{
    public override string ToString() => Namespace is null ? Name : Namespace + "." + Name;
}
