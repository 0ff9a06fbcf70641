using System.CommandLine;
using Sirocco.Cli.Commands;

// Minimal entry point (the api helper owns this file and adds the server commands).
var root = new RootCommand("Sirocco: a workflow service speaking OpenStack Mistral's language and API");
root.Subcommands.Add(EvalCommand.Create());
return root.Parse(args).Invoke();
