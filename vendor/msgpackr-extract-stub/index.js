// msgpackr loads this inside try/catch and uses its pure-JavaScript decoder when it throws.
throw new Error('msgpackr-extract: native accelerator not installed');
