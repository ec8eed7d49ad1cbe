.PHONY: run test bench
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
bench:
	bash scripts/setup.sh --bench
	swift build -c release --product segue --static-swift-stdlib
	swift build -c release --product segue-bench --static-swift-stdlib
	.build/release/segue-bench import
	.build/release/segue-bench race
	.build/release/segue-bench analysis
	PYTHONPATH=.local/opinion python3 scripts/bench_second_opinion.py
	.build/release/segue-bench playlists
	.build/release/segue-bench live
	.build/release/segue-bench recap
