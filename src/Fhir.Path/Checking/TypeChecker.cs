using Fhir.Core.Definitions;
using Fhir.Path.Evaluation;
using Fhir.Path.Parsing;
using Fhir.Path.Types;

namespace Fhir.Path.Checking;

/// <summary>
/// Static checks of a parsed expression against the type model, before any evaluation. Whatever the mode, it
/// reports what would be wrong whatever the data: a choice element named with its type suffix
/// (<c>Observation.valueQuantity</c>), string functions on complex types, date arithmetic with a non-quantity.
/// In strict mode it also reports unknown element names, type names that cannot match the context, non-boolean
/// <c>iif()</c> criteria, and (with <see cref="CompileOptions.CheckOrderedFunctions"/>) order-dependent functions on
/// unordered collections.
/// </summary>
internal sealed class TypeChecker
{
    private static readonly HashSet<string> StringFunctions =
    [
        "startsWith", "endsWith", "contains", "substring", "upper", "lower", "replace", "matches", "matchesFull",
        "replaceMatches", "length", "toChars", "indexOf", "lastIndexOf", "split", "trim", "encode", "decode", "escape", "unescape",
    ];

    private static readonly HashSet<string> LambdaFunctions = ["where", "select", "exists", "all", "repeat", "sort", "aggregate", "trace"];

    private static readonly HashSet<string> OrderedFunctions = ["first", "last", "tail", "skip", "take", "single"];

    private readonly CompileOptions _options;
    private readonly FhirDefinitions _definitions;
    private StaticType _root = StaticType.Any;

    private TypeChecker(CompileOptions options, FhirDefinitions definitions)
    {
        _options = options;
        _definitions = definitions;
    }

    /// <summary>Checks the expression; returns the result type when known (<c>FHIR.HumanName</c>), else null.</summary>
    public static string? Check(Node root, CompileOptions options, FhirDefinitions definitions)
    {
        var checker = new TypeChecker(options, definitions);
        var rootType = checker.RootType(root);
        checker._root = rootType;
        var result = checker.Visit(root, rootType);
        return result.IsKnown ? result.ToString() : null;
    }

    private StaticType RootType(Node root)
    {
        if (_options.RootType is { } name)
        {
            return StaticType.Of(_definitions.FindType(name));
        }
        // Without a declared root, an expression starting with a resource type name (Patient.name) is about that type.
        var leftmost = root;
        while (true)
        {
            switch (leftmost)
            {
                case MemberNode m:
                    leftmost = m.Target;
                    continue;
                case FunctionNode { Target: { } t }:
                    leftmost = t;
                    continue;
                case IndexerNode ix:
                    leftmost = ix.Target;
                    continue;
            }
            break;
        }
        return leftmost is IdentifierNode id && _definitions.IsResourceType(id.Name) && !IsUnion(root)
            ? StaticType.Of(_definitions.FindType(id.Name))
            : StaticType.Any;
    }

    private static bool IsUnion(Node node) => node is BinaryNode { Op: "|" or "and" or "or" or "xor" or "implies" };

    private FhirPathException Error(Node at, string message) => new(FhirPathErrorKind.Semantic, message, null, at.Position);

    private StaticType System(string name) => StaticType.Of(_definitions.FindType("System." + name));

    private StaticType Visit(Node node, StaticType focus) => node switch
    {
        LiteralNode literal => Literal(literal.Value),
        EmptyNode => StaticType.Empty,
        InvalidLiteralNode => StaticType.Any,
        IdentifierNode identifier => Identifier(identifier, focus),
        MemberNode member => Member(member, Visit(member.Target, focus), member.Name),
        SpecialNode special => special.Name switch
        {
            "this" => focus,
            "index" => System("Integer"),
            _ => StaticType.Any,
        },
        EnvironmentNode environment => Environment(environment, _root),
        IndexerNode indexer => Indexer(indexer, focus),
        UnaryNode unary => Visit(unary.Operand, focus),
        BinaryNode binary => Binary(binary, focus),
        TypeOperatorNode typeOperator => TypeOperator(typeOperator, focus),
        FunctionNode function => Function(function, focus),
        _ => StaticType.Any,
    };

    private StaticType Literal(object value) => value switch
    {
        bool => System("Boolean"),
        string => System("String"),
        int => System("Integer"),
        decimal => System("Decimal"),
        FhirPathDate => System("Date"),
        FhirPathDateTime => System("DateTime"),
        FhirPathTime => System("Time"),
        FhirPathQuantity => System("Quantity"),
        _ => StaticType.Any,
    };

    private StaticType Environment(EnvironmentNode node, StaticType root) => node.Name switch
    {
        "context" => root,
        "resource" or "rootResource" when root.IsKnown && root.Types.All(t => t.Kind == TypeKind.Resource) => root,
        "ucum" or "sct" or "loinc" => System("String"),
        _ when node.Name.StartsWith("vs-", StringComparison.Ordinal) || node.Name.StartsWith("ext-", StringComparison.Ordinal) => System("String"),
        _ => StaticType.Any,
    };

    private StaticType Identifier(IdentifierNode node, StaticType focus)
    {
        if (!focus.IsKnown)
        {
            return StaticType.Any;
        }
        var name = node.Name;
        if (char.IsAsciiLetterUpper(name[0]))
        {
            var matching = focus.Types.Where(t => t.IsA(name)).ToList();
            if (matching.Count > 0)
            {
                return new StaticType(matching);
            }
            if (_definitions.FindType(name) is { Kind: TypeKind.Resource or TypeKind.Complex })
            {
                if (_options.Strict)
                {
                    throw Error(node, $"'{name}' does not match the type of the context ({focus})");
                }
                return StaticType.Empty;
            }
        }
        return Member(node, focus, name);
    }

    /// <summary>The type of element <paramref name="name"/> of the focus types.</summary>
    private StaticType Member(Node at, StaticType focus, string name)
    {
        if (!focus.IsKnown)
        {
            return focus.IsAny ? StaticType.Any : StaticType.Empty;
        }
        var result = new List<TypeDefinition>();
        var open = false;
        foreach (var type in focus.Types)
        {
            var element = type.FindElement(name);
            if (element is null)
            {
                // Abstract resources stand for any resource, whose elements are unknown here.
                open |= type.Kind == TypeKind.Resource && type.IsAbstract;
                if (ChoiceSuffixed(type, name) is { } choice)
                {
                    throw Error(at, $"'{name}' is not an element of {type.Name}: a choice element is named without its type; use '{choice.Element}.ofType({choice.Type})'");
                }
                continue;
            }
            foreach (var elementType in ElementTypes(element))
            {
                if (!result.Exists(t => t.Name == elementType.Name))
                {
                    result.Add(elementType);
                }
            }
        }
        if (open)
        {
            return StaticType.Any;
        }
        if (result.Count == 0)
        {
            if (_options.Strict)
            {
                throw Error(at, $"'{name}' is not an element of {focus}");
            }
            return StaticType.Empty;
        }
        return new StaticType(result, false, focus.Unordered);
    }

    private IEnumerable<TypeDefinition> ElementTypes(ElementDefinitionInfo element)
    {
        if (element.NestedType is { } nested)
        {
            yield return nested;
            yield break;
        }
        foreach (var typeRef in element.Types)
        {
            if (_definitions.FindType(typeRef.Code) is { } type)
            {
                yield return type;
            }
        }
    }

    private static (string Element, string Type)? ChoiceSuffixed(TypeDefinition type, string name)
    {
        foreach (var element in type.Elements)
        {
            if (element.IsChoice && name.Length > element.Name.Length && name.StartsWith(element.Name, StringComparison.Ordinal)
                && element.FindChoiceType(name.AsSpan(element.Name.Length)) is { } choice)
            {
                return (element.Name, choice.Code);
            }
        }
        return null;
    }

    private StaticType Indexer(IndexerNode node, StaticType focus)
    {
        var target = Visit(node.Target, focus);
        Visit(node.Index, focus);
        CheckOrdered(node, target, "an indexer");
        return target;
    }

    private void CheckOrdered(Node at, StaticType input, string what)
    {
        if (_options.Strict && _options.CheckOrderedFunctions && input.Unordered)
        {
            throw Error(at, $"{what} needs an ordered collection, but the input (from children() or descendants()) has no order");
        }
    }

    private StaticType Binary(BinaryNode node, StaticType focus)
    {
        var left = Visit(node.Left, focus);
        var right = Visit(node.Right, focus);
        switch (node.Op)
        {
            case "|":
                return StaticType.Union(left, right);
            case "+" or "-":
                if (IsAll(left, IsTemporal) && right.IsKnown && !right.Types.Any(IsQuantity))
                {
                    throw Error(node, $"date and time arithmetic needs a quantity (such as 7 days), not {right}");
                }
                return Arithmetic(left, right, node.Op);
            case "*" or "/" or "div" or "mod":
                return Arithmetic(left, right, node.Op);
            case "&":
                return System("String");
            default:
                return System("Boolean");
        }
    }

    private StaticType Arithmetic(StaticType left, StaticType right, string op)
    {
        if (!left.IsKnown || !right.IsKnown || left.Types.Count != 1 || right.Types.Count != 1)
        {
            return StaticType.Any;
        }
        var a = Values.KindOf(left.Types[0]);
        var b = Values.KindOf(right.Types[0]);
        return (a, b, op) switch
        {
            (SystemKind.Integer, SystemKind.Integer, "+" or "-" or "*" or "div" or "mod") => System("Integer"),
            (SystemKind.Integer or SystemKind.Decimal, SystemKind.Integer or SystemKind.Decimal, _) => System("Decimal"),
            (SystemKind.String, SystemKind.String, "+") => System("String"),
            (SystemKind.Date, _, "+" or "-") => System("Date"),
            (SystemKind.DateTime, _, "+" or "-") => System("DateTime"),
            (SystemKind.Time, _, "+" or "-") => System("Time"),
            (SystemKind.Quantity, _, _) => System("Quantity"),
            _ => StaticType.Any,
        };
    }

    private static bool IsAll(StaticType type, Func<TypeDefinition, bool> test) => type.IsKnown && type.Types.All(test);

    private static bool IsTemporal(TypeDefinition type) => Values.KindOf(type) is SystemKind.Date or SystemKind.DateTime or SystemKind.Time;

    private static bool IsQuantity(TypeDefinition type) => type.Name == "System.Quantity" || type.IsA("Quantity");

    private static bool IsStringLike(TypeDefinition type) => Values.KindOf(type) == SystemKind.String;

    private StaticType TypeOperator(TypeOperatorNode node, StaticType focus)
    {
        Visit(node.Operand, focus);
        return node.Op == "is" ? System("Boolean") : TypeOf(node.Type);
    }

    private StaticType TypeOf(TypeName name)
    {
        var resolved = ResolvedType.Resolve(name, _definitions);
        if (resolved is null)
        {
            return StaticType.Any;
        }
        if (resolved.Fhir is not null && resolved.System != SystemKind.None)
        {
            return new StaticType([resolved.Fhir, _definitions.FindType("System." + Values.SystemTypeName(resolved.System))!]);
        }
        return resolved.Fhir is not null ? StaticType.Of(resolved.Fhir) : System(Values.SystemTypeName(resolved.System));
    }

    private StaticType Function(FunctionNode node, StaticType focus)
    {
        var input = node.Target is null ? focus : Visit(node.Target, focus);
        var name = node.Name;

        if (name is "is" or "as" or "ofType")
        {
            if (node.Args.Count != 1)
            {
                return StaticType.Any;
            }
            var typeName = node.Args[0] switch
            {
                IdentifierNode id => new TypeName(null, id.Name, id.Position),
                MemberNode { Target: IdentifierNode ns } m => new TypeName(ns.Name, m.Name, ns.Position),
                _ => null,
            };
            return name == "is" ? System("Boolean") : typeName is null ? StaticType.Any : TypeOf(typeName);
        }

        if (_options.FindFunction(name) is { Arguments: FhirPathArgumentKind.TypeName })
        {
            return StaticType.Any; // its arguments are type names, not expressions
        }
        var argTypes = new List<StaticType>(node.Args.Count);
        for (var i = 0; i < node.Args.Count; i++)
        {
            var lambda = LambdaFunctions.Contains(name) && !(name == "trace" && i == 0) && !(name == "aggregate" && i == 1);
            var argFocus = name == "iif" ? input : lambda ? input : focus;
            argTypes.Add(Visit(node.Args[i], argFocus));
        }

        if (StringFunctions.Contains(name) && input.IsKnown)
        {
            var acceptable = _options.Strict ? input.Types.Any(IsStringLike) : input.Types.Any(t => t.IsPrimitive);
            if (!acceptable)
            {
                throw Error(node, $"{name}() applies to strings, not to {input}");
            }
        }
        if (OrderedFunctions.Contains(name))
        {
            CheckOrdered(node, input, $"{name}()");
        }
        if (name == "iif" && _options.Strict && argTypes.Count > 0 && argTypes[0].IsKnown && !argTypes[0].Types.Any(t => Values.KindOf(t) == SystemKind.Boolean))
        {
            throw Error(node.Args[0], $"the criterion of iif() must be a boolean, not {argTypes[0]}");
        }

        return name switch
        {
            "where" or "first" or "last" or "tail" or "skip" or "take" or "single" or "distinct" or "trace" or "intersect" or "exclude"
                or "defineVariable" or "sort" => input,
            "select" => argTypes.Count > 0 ? argTypes[0] : StaticType.Any,
            "union" or "combine" => argTypes.Count > 0 ? StaticType.Union(input, argTypes[0]) : StaticType.Any,
            "iif" => argTypes.Count > 2 ? StaticType.Union(argTypes[1], argTypes[2]) : argTypes.Count > 1 ? argTypes[1] : StaticType.Any,
            "children" or "descendants" => StaticType.Any.AsUnordered(),
            "empty" or "exists" or "all" or "allTrue" or "anyTrue" or "allFalse" or "anyFalse" or "subsetOf" or "supersetOf" or "isDistinct"
                or "not" or "hasValue" or "startsWith" or "endsWith" or "contains" or "matches" or "matchesFull" or "conformsTo" or "memberOf"
                or "htmlChecks" or "comparable" => System("Boolean"),
            _ when name.StartsWith("convertsTo", StringComparison.Ordinal) => System("Boolean"),
            "count" or "length" or "indexOf" or "lastIndexOf" or "precision" or "toInteger" => System("Integer"),
            "toString" or "upper" or "lower" or "replace" or "replaceMatches" or "substring" or "trim" or "join" or "encode" or "decode"
                or "escape" or "unescape" or "toChars" or "split" => System("String"),
            "toDecimal" => System("Decimal"),
            "toBoolean" => System("Boolean"),
            "toDate" or "today" or "dateOf" => System("Date"),
            "toDateTime" or "now" => System("DateTime"),
            "toTime" or "timeOfDay" or "timeOf" => System("Time"),
            "toQuantity" => System("Quantity"),
            "extension" => StaticType.Of(_definitions.FindType("Extension")),
            _ => StaticType.Any,
        };
    }
}
