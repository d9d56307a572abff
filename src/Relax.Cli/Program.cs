return Relax.Cli.RelaxCli.Run(args, Console.Out, Console.Error);
