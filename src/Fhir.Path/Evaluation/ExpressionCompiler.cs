using Fhir.Core.Definitions;
using Fhir.Core.Model;
using Fhir.Path.Functions;
using Fhir.Path.Parsing;
using Fhir.Path.Types;

namespace Fhir.Path.Evaluation;

/// <summary>
/// Turns a parsed expression into a tree of closures. Sub-expressions that do not depend on the input
/// (<c>1 | 2</c>, <c>'abc'.length()</c>) are evaluated once here and become constants.
/// </summary>
internal sealed class ExpressionCompiler(CompileOptions options, FhirDefinitions definitions)
{
    // Set when the expression defines variables: operands and arguments then restore the variable scope they found.
    private bool _scoped;

    private readonly record struct Compiled(Evaluator Eval, IReadOnlyList<object>? Constant)
    {
        public bool IsConstant => Constant is not null;
    }

    public Evaluator Compile(Node root)
    {
        _scoped = DefinesVariables(root);
        return CompileNode(root).Eval;
    }

    private static bool DefinesVariables(Node node) => node switch
    {
        FunctionNode f => f.Name == "defineVariable" || (f.Target is not null && DefinesVariables(f.Target)) || f.Args.Any(DefinesVariables),
        MemberNode m => DefinesVariables(m.Target),
        IndexerNode i => DefinesVariables(i.Target) || DefinesVariables(i.Index),
        UnaryNode u => DefinesVariables(u.Operand),
        BinaryNode b => DefinesVariables(b.Left) || DefinesVariables(b.Right),
        TypeOperatorNode t => DefinesVariables(t.Operand),
        _ => false,
    };

    /// <summary>An evaluator whose variable definitions do not outlive it (a variable is visible along its own chain only).</summary>
    private Evaluator Scoped(Evaluator evaluator)
    {
        if (!_scoped)
        {
            return evaluator;
        }
        return (f, focus) =>
        {
            var scope = f.Defined;
            try
            {
                return evaluator(f, focus);
            }
            finally
            {
                f.Defined = scope;
            }
        };
    }

    private Compiled CompileNode(Node node) => node switch
    {
        LiteralNode literal => Constant(literal.Value switch
        {
            int i => Items.Of(i),
            bool b => Items.Of(b),
            var v => Items.Single(v),
        }),
        EmptyNode => Constant(Items.Empty),
        InvalidLiteralNode invalid => new((_, _) => throw new FhirPathException(FhirPathErrorKind.Execution, invalid.Reason, null, invalid.Position), null),
        IdentifierNode identifier => Identifier(identifier),
        MemberNode member => Member(member),
        SpecialNode special => Special(special),
        EnvironmentNode environment => new((f, _) => EnvironmentVariables.Resolve(f, environment.Name, environment.Position), null),
        IndexerNode indexer => Indexer(indexer),
        UnaryNode unary => Unary(unary),
        BinaryNode binary => Binary(binary),
        TypeOperatorNode typeOperator => TypeOperator(typeOperator),
        FunctionNode function => Function(function),
        _ => throw new InvalidOperationException($"Unknown node {node.GetType().Name}"),
    };

    private static Compiled Constant(IReadOnlyList<object> value) => new((_, _) => value, value);

    private static Func<string, Exception> Failure(int position) =>
        message => new FhirPathException(FhirPathErrorKind.Execution, message, null, position);

    /// <summary>Evaluates an input-independent expression now; when it fails, it is left to fail at evaluation time.</summary>
    private static Compiled Fold(Evaluator evaluator)
    {
        try
        {
            var value = evaluator(new Frame(EvaluationContext.Default, Items.Empty), Items.Empty);
            var array = value as object[] ?? [.. value];
            return Constant(array);
        }
        catch (Exception)
        {
            return new Compiled(evaluator, null);
        }
    }

    private static Compiled Identifier(IdentifierNode node)
    {
        var name = node.Name;
        // A capitalised name at the start of a path may be the type of the focus (Patient.name).
        if (char.IsAsciiLetterUpper(name[0]))
        {
            return new((_, focus) => Navigation.ChildOrType(focus, name), null);
        }
        return new((_, focus) => Navigation.Child(focus, name), null);
    }

    private Compiled Member(MemberNode node)
    {
        var target = CompileNode(node.Target).Eval;
        var name = node.Name;
        return new((f, focus) => Navigation.Child(target(f, focus), name), null);
    }

    private static Compiled Special(SpecialNode node) => node.Name switch
    {
        "this" => new((_, focus) => focus, null),
        "index" => new((f, _) => f.Index < 0 ? Items.Empty : Items.Of(f.Index), null),
        _ => new((f, _) => f.Total ?? Items.Empty, null),
    };

    private Compiled Indexer(IndexerNode node)
    {
        var target = CompileNode(node.Target);
        var index = CompileNode(node.Index);
        var t = target.Eval;
        var ix = index.Eval;
        var fail = Failure(node.Position);
        Evaluator evaluator = (f, focus) =>
        {
            var collection = t(f, focus);
            var position = ix(f, focus);
            if (position.Count == 0 || collection.Count == 0)
            {
                return Items.Empty;
            }
            if (position.Count > 1 || Values.ToSystem(position[0]) is not int k)
            {
                throw fail("an index must be a single integer");
            }
            return k < 0 || k >= collection.Count ? Items.Empty : Items.Single(collection[k]);
        };
        return target.IsConstant && index.IsConstant ? Fold(evaluator) : new(evaluator, null);
    }

    /// <summary>The single system value of an operand, or null when it is empty.</summary>
    private static object? Operand(IReadOnlyList<object> value, string op, Func<string, Exception> fail)
    {
        if (value.Count == 0)
        {
            return null;
        }
        if (value.Count > 1)
        {
            throw fail($"the operands of '{op}' must be single items, not a collection of {value.Count}");
        }
        var v = Values.ToSystem(value[0]);
        return v is ElementNode node ? throw fail($"'{op}' cannot be applied to {Values.Describe(node)}") : v;
    }

    private Compiled Unary(UnaryNode node)
    {
        var operand = CompileNode(node.Operand);
        var o = operand.Eval;
        var fail = Failure(node.Position);
        var negate = node.Op == "-";
        Evaluator evaluator = (f, focus) =>
        {
            var v = Operand(o(f, focus), node.Op, fail);
            object? result = v switch
            {
                null => null,
                int i when negate => i == int.MinValue ? -(long)i : Items.Box(-i),
                long l when negate => -l,
                decimal d when negate => -d,
                FhirPathQuantity q when negate => new FhirPathQuantity(-q.Value, q.Unit),
                int or long or decimal or FhirPathQuantity => v,
                _ => throw fail($"'{node.Op}' cannot be applied to {Values.Describe(v)}"),
            };
            return result is null ? Items.Empty : Items.Single(result);
        };
        return operand.IsConstant ? Fold(evaluator) : new(evaluator, null);
    }

    private Compiled Binary(BinaryNode node)
    {
        var left = CompileNode(node.Left);
        var right = CompileNode(node.Right);
        var l = Scoped(left.Eval);
        var r = Scoped(right.Eval);
        var op = node.Op;
        var fail = Failure(node.Position);
        Evaluator evaluator = op switch
        {
            "=" => (f, x) => Items.Of(Equality.CollectionsEqual(l(f, x), r(f, x))),
            "!=" => (f, x) => Items.Of(!Equality.CollectionsEqual(l(f, x), r(f, x))),
            "~" => (f, x) => Items.Of(Equality.CollectionsEquivalent(l(f, x), r(f, x))),
            "!~" => (f, x) => Items.Of(!Equality.CollectionsEquivalent(l(f, x), r(f, x))),
            "<" => Comparison(l, r, op, c => c < 0, fail),
            "<=" => Comparison(l, r, op, c => c <= 0, fail),
            ">" => Comparison(l, r, op, c => c > 0, fail),
            ">=" => Comparison(l, r, op, c => c >= 0, fail),
            "|" => (f, x) => SubsettingFunctions.Union(l(f, x), r(f, x)),
            "in" => (f, x) => Membership(l(f, x), r(f, x), op, fail),
            "contains" => (f, x) => Membership(r(f, x), l(f, x), op, fail),
            "and" => (f, x) =>
            {
                var a = Args.Truth(l(f, x), fail);
                if (a == false)
                {
                    return Items.False;
                }
                var b = Args.Truth(r(f, x), fail);
                return b == false ? Items.False : a == true && b == true ? Items.True : Items.Empty;
            },
            "or" => (f, x) =>
            {
                var a = Args.Truth(l(f, x), fail);
                if (a == true)
                {
                    return Items.True;
                }
                var b = Args.Truth(r(f, x), fail);
                return b == true ? Items.True : a == false && b == false ? Items.False : Items.Empty;
            },
            "xor" => (f, x) =>
            {
                var a = Args.Truth(l(f, x), fail);
                var b = Args.Truth(r(f, x), fail);
                return a is null || b is null ? Items.Empty : Items.Of(a != b);
            },
            "implies" => (f, x) =>
            {
                var a = Args.Truth(l(f, x), fail);
                if (a == false)
                {
                    return Items.True;
                }
                var b = Args.Truth(r(f, x), fail);
                return b == true ? Items.True : a == true && b == false ? Items.False : Items.Empty;
            },
            "&" => (f, x) =>
            {
                var a = Operand(l(f, x), op, fail) ?? "";
                var b = Operand(r(f, x), op, fail) ?? "";
                return a is string sa && b is string sb
                    ? Items.Single(sa + sb)
                    : throw fail($"'&' concatenates strings, not {Values.Describe(a is string ? b : a)}");
            },
            "+" => ArithmeticOperator(l, r, op, Arithmetic.Add, fail),
            "-" => ArithmeticOperator(l, r, op, Arithmetic.Subtract, fail),
            "*" => ArithmeticOperator(l, r, op, Arithmetic.Multiply, fail),
            "/" => ArithmeticOperator(l, r, op, Arithmetic.Divide, fail),
            "div" => ArithmeticOperator(l, r, op, Arithmetic.Div, fail),
            "mod" => ArithmeticOperator(l, r, op, Arithmetic.Mod, fail),
            _ => throw new InvalidOperationException($"Unknown operator {op}"),
        };
        return left.IsConstant && right.IsConstant ? Fold(evaluator) : new(evaluator, null);
    }

    private static Evaluator Comparison(Evaluator l, Evaluator r, string op, Func<int, bool> test, Func<string, Exception> fail) =>
        (f, x) =>
        {
            var a = Operand(l(f, x), op, fail);
            var b = Operand(r(f, x), op, fail);
            if (a is null || b is null)
            {
                return Items.Empty;
            }
            var c = Ordering.Compare(a, b, fail);
            return c is null ? Items.Empty : Items.Of(test(c.Value));
        };

    private static IReadOnlyList<object> Membership(IReadOnlyList<object> item, IReadOnlyList<object> collection, string op, Func<string, Exception> fail)
    {
        if (item.Count == 0)
        {
            return Items.Empty;
        }
        if (item.Count > 1)
        {
            throw fail($"'{op}' tests a single item, not a collection of {item.Count}");
        }
        return Items.Of(Equality.Contains(collection, item[0]));
    }

    private static Evaluator ArithmeticOperator(
        Evaluator l, Evaluator r, string op, Func<object, object, Func<string, Exception>, object?> apply, Func<string, Exception> fail) =>
        (f, x) =>
        {
            var a = Operand(l(f, x), op, fail);
            var b = Operand(r(f, x), op, fail);
            if (a is null || b is null)
            {
                return Items.Empty;
            }
            var result = apply(a, b, fail);
            return result is null ? Items.Empty : Items.Single(result);
        };

    private Compiled TypeOperator(TypeOperatorNode node)
    {
        var operand = CompileNode(node.Operand);
        var o = operand.Eval;
        var fail = Failure(node.Position);
        var type = ResolvedType.Resolve(node.Type, definitions);
        var neverMatches = type is null && ResolvedType.IsUnknownSystemName(node.Type);
        var typeName = node.Type;
        var isOperator = node.Op == "is";
        var requireSingle = options.AsRequiresSingleton;
        Evaluator evaluator = (f, focus) =>
        {
            var value = o(f, focus);
            if (type is null && !neverMatches)
            {
                throw fail($"unknown type '{typeName}'");
            }
            if (value.Count == 0)
            {
                return Items.Empty;
            }
            if (value.Count > 1 && (isOperator || requireSingle))
            {
                throw fail($"'{node.Op}' needs a single item, not a collection of {value.Count}");
            }
            if (isOperator)
            {
                return Items.Of(type is not null && type.Matches(value[0]));
            }
            if (type is null)
            {
                return Items.Empty;
            }
            List<object>? result = null;
            foreach (var item in value)
            {
                if (type.MatchesExactly(item))
                {
                    (result ??= []).Add(item);
                }
            }
            return result is null ? Items.Empty : result.Count == value.Count ? value : result;
        };
        return operand.IsConstant ? Fold(evaluator) : new(evaluator, null);
    }

    private Compiled Function(FunctionNode node)
    {
        // Added functions come first, so that a dialect (SQL on FHIR) can refine a built-in one.
        var added = options.FindFunction(node.Name);
        FunctionDef? definition = added?.Definition;
        if (definition is null && !FunctionTable.TryGet(node.Name, out definition))
        {
            throw new FhirPathException(FhirPathErrorKind.Semantic, $"unknown function '{node.Name}'", null, node.Position);
        }
        if (node.Args.Count < definition.MinArgs || node.Args.Count > definition.MaxArgs)
        {
            var expected = definition.MinArgs == definition.MaxArgs
                ? $"{definition.MinArgs}"
                : definition.MaxArgs == int.MaxValue ? $"at least {definition.MinArgs}" : $"{definition.MinArgs} to {definition.MaxArgs}";
            throw new FhirPathException(FhirPathErrorKind.Semantic,
                $"{node.Name}() takes {expected} argument{(definition.MaxArgs == 1 && definition.MinArgs == 1 ? "" : "s")}, not {node.Args.Count}", null, node.Position);
        }

        Compiled? target = node.Target is null ? null : CompileNode(node.Target);
        CallSite site;
        var argsConstant = true;
        if (node.Name is "is" or "as" or "ofType")
        {
            var typeName = TypeArgument(node.Args[0]);
            site = new CallSite(node.Name, node.Position, [], node.Args)
            {
                TypeArgument = typeName,
                ResolvedType = ResolvedType.Resolve(typeName, definitions),
                AsRequiresSingleton = options.AsRequiresSingleton,
            };
        }
        else if (added is { Arguments: FhirPathArgumentKind.TypeName })
        {
            var names = new Evaluator[node.Args.Count];
            for (var i = 0; i < names.Length; i++)
            {
                IReadOnlyList<object> name = Items.Single(TypeArgument(node.Args[i]).Name);
                names[i] = (_, _) => name;
            }
            site = new CallSite(node.Name, node.Position, names, node.Args);
        }
        else
        {
            var args = new Evaluator[node.Args.Count];
            bool[]? descending = null;
            for (var i = 0; i < args.Length; i++)
            {
                var argNode = node.Args[i];
                if (node.Name == "sort" && argNode is UnaryNode { Op: "-" } minus)
                {
                    (descending ??= new bool[args.Length])[i] = true;
                    argNode = minus.Operand;
                }
                var arg = CompileNode(argNode);
                args[i] = Scoped(arg.Eval);
                argsConstant &= arg.IsConstant;
                if (node.Name == "iif" && i == 0 && arg.Constant is { Count: > 1 } criterion)
                {
                    throw new FhirPathException(FhirPathErrorKind.Semantic,
                        $"the criterion of iif() must be a single boolean, not a collection of {criterion.Count}", null, argNode.Position);
                }
            }
            site = new CallSite(node.Name, node.Position, args, node.Args) { Cache = descending };
        }

        var body = definition.Body;
        if (target is null)
        {
            return new((f, focus) => body(f, focus, focus, site), null);
        }
        var t = target.Value.Eval;
        Evaluator evaluator = (f, focus) => body(f, focus, t(f, focus), site);
        return definition.Pure && target.Value.IsConstant && argsConstant ? Fold(evaluator) : new(evaluator, null);
    }

    /// <summary>Reads a type specifier given as a function argument: <c>Quantity</c>, <c>FHIR.Patient</c>, <c>System.String</c>.</summary>
    private static TypeName TypeArgument(Node arg) => arg switch
    {
        IdentifierNode id => new TypeName(null, id.Name, id.Position),
        MemberNode { Target: IdentifierNode ns } member => new TypeName(ns.Name, member.Name, ns.Position),
        _ => throw new FhirPathException(FhirPathErrorKind.Semantic, "expected a type name", null, arg.Position),
    };
}
